-- wrk script: holds only, one distinct seat each (seats.txt as for booking.lua, from its second half;
-- $BENCH_SEATS names another file).
local dir = os.getenv("BENCH_DIR")
local tokens, seats = {}, {}
for line in io.lines(dir .. "/tokens.txt") do tokens[#tokens + 1] = line end
for line in io.lines(dir .. "/" .. (os.getenv("BENCH_SEATS") or "seats.txt")) do seats[#seats + 1] = line end

local thread_count = 0
function setup(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
end

local next_seat = 0
-- From the second half of seats.txt (booking.lua takes the first), or from the start of $BENCH_SEATS.
-- (An even index, so each thread keeps its parity: halfway is floor(#seats / 4) * 2. It was
-- floor(#seats / 2) * 2, the end, which wrapped round to the seats booking.lua had taken: the
-- first holds of each run were refused, 64 errors.)
function init(args) next_seat = (os.getenv("BENCH_SEATS") and 0 or math.floor(#seats / 4) * 2) + tid end

function request()
  local line = seats[next_seat % #seats + 1]
  local token = tokens[next_seat % #tokens + 1]
  next_seat = next_seat + 2
  local session, row, seat = line:match("(%d+) (%d+) (%d+)")
  return wrk.format("POST", "/api/v1/tickets/", {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
  }, '{"session": ' .. session .. ', "seats": [{"row": ' .. row .. ', "seat": ' .. seat .. '}]}')
end
