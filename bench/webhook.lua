-- wrk script: the fake provider's webhooks, each settling one pending payment
-- (webhooks.txt: "signature<TAB>body" per line, signed by bench/run.py).
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
require("replay").run("webhooks.txt", function(line)
  local signature, body = line:match("([^\t]+)\t(.+)")
  return wrk.format("POST", "/api/v1/payments/webhooks/fake/", {
    ["Content-Type"] = "application/json",
    ["X-Fake-PSP-Signature"] = signature,
  }, body)
end)
