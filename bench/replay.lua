-- Shared by the wrk scripts that send one prepared request per line of a file that
-- bench/run.py wrote into BENCH_DIR: wrk's two threads take every other line each,
-- so no line is sent twice while there are lines left.
local replay = {}

function replay.lines(name)
  local items = {}
  for line in io.lines(os.getenv("BENCH_DIR") .. "/" .. name) do items[#items + 1] = line end
  return items
end

-- Makes wrk's setup/init/request: ``build(line)`` returns the request for one line.
function replay.run(name, build)
  local items = replay.lines(name)
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
    return build(line)
  end
end

return replay
