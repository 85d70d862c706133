-- wrk script: the booking path. Each hold takes one distinct seat as one of many
-- buyers; the ticket it returns is then paid by the same buyer (Idempotency-Key).
-- Files from bench/run.py (one entry per line):
--   $BENCH_DIR/tokens.txt  buyers' access tokens
--   $BENCH_DIR/seats.txt   "session row seat", all free and distinct

local dir = os.getenv("BENCH_DIR")
local tokens, seats, owner = {}, {}, {}
for line in io.lines(dir .. "/tokens.txt") do tokens[#tokens + 1] = line end
for line in io.lines(dir .. "/seats.txt") do
  seats[#seats + 1] = line
  owner[line] = tokens[(#seats - 1) % #tokens + 1]   -- the buyer of each seat
end

local thread_count = 0
function setup(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
end

local next_seat, pending = 0, {}

function init(args)
  next_seat = tid   -- threads interleave: thread 0 takes seats 1, 3, 5…; thread 1 takes 2, 4, 6…
end

function request()
  local item = table.remove(pending)
  if item then
    return wrk.format("POST", "/api/v1/tickets/" .. item.ticket .. "/pay/", {
      ["Authorization"] = "Bearer " .. item.token,
      ["Content-Type"] = "application/json",
      ["Idempotency-Key"] = "bench-" .. item.ticket,
    }, '{"payment_method": "card"}')
  end
  local line = seats[next_seat % #seats + 1]
  next_seat = next_seat + 2
  local session, row, seat = line:match("(%d+) (%d+) (%d+)")
  return wrk.format("POST", "/api/v1/tickets/", {
    ["Authorization"] = "Bearer " .. owner[line],
    ["Content-Type"] = "application/json",
  }, '{"session": ' .. session .. ', "seats": [{"row": ' .. row .. ', "seat": ' .. seat .. '}]}')
end

function response(status, headers, body)
  if status ~= 201 then return end
  local session = body:match('"session":(%d+)')
  local ticket = body:match('"tickets":%[{"id":(%d+)')
  local row, seat = body:match('"row":(%d+),"seat":(%d+)')
  local token = owner[session .. " " .. row .. " " .. seat]
  if ticket and token then table.insert(pending, {ticket = ticket, token = token}) end
end
