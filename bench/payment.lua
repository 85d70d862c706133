-- wrk script: payment creation only. Each request starts paying one held booking
-- (a distinct one: payments.txt has "ticket token" per line, from bench/run.py).
package.path = os.getenv("BENCH_LUA") .. "/?.lua;" .. package.path
require("replay").run("payments.txt", function(line)
  local ticket, token = line:match("(%d+) (%S+)")
  return wrk.format("POST", "/api/v1/tickets/" .. ticket .. "/pay/", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = "bench-pay-" .. ticket,
  }, '{"payment_method": "card"}')
end)
