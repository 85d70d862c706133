-- wrk script: payment creation only. Each request starts paying one held booking
-- (a distinct one: payments.txt has "ticket token" per line, from bench/run.py).
local dir = os.getenv("BENCH_DIR")
local items = {}
for line in io.lines(dir .. "/payments.txt") do items[#items + 1] = line end

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
  local ticket, token = line:match("(%d+) (%S+)")
  return wrk.format("POST", "/api/v1/tickets/" .. ticket .. "/pay/", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = "bench-pay-" .. ticket,
  }, '{"payment_method": "card"}')
end
