-- wrk script: the fake provider's webhooks, each settling one pending payment
-- (webhooks.txt: "signature<TAB>body" per line, signed by bench/run.py).
local dir = os.getenv("BENCH_DIR")
local items = {}
for line in io.lines(dir .. "/webhooks.txt") do items[#items + 1] = line end

local thread_count = 0
function setup(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
end

local next_item = 0
function init(args) next_item = tid end

function request()
  local line = items[next_item % #items + 1]
  next_item = next_item + 2
  local signature, body = line:match("([^\t]+)\t(.+)")
  return wrk.format("POST", "/api/v1/payments/webhooks/fake/", {
    ["Content-Type"] = "application/json",
    ["X-Fake-PSP-Signature"] = signature,
  }, body)
end
