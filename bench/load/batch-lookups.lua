-- wrk script: POST /destinations with pre-generated bodies of 1,000 addresses each (a JSON array per line of the
-- bodies file, made by bench/load/make-batch-bodies.py), rotated request by request; each thread starts elsewhere.
-- wrk -t2 -c16 -d20s --latency -s bench/load/batch-lookups.lua http://127.0.0.1:8000 -- /tmp/bodies.txt
-- Lookups per second = requests per second x 1,000.
local counter = 0
local requests = {}
local next_index = 1

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end

function init(args)
  local path = args[1] or os.getenv("BATCH_BODIES")
  if path == nil then
    error("give the bodies file after --, or set BATCH_BODIES")
  end
  local headers = { ["Content-Type"] = "application/json" }
  for line in io.lines(path) do
    if #line > 0 then
      requests[#requests + 1] = wrk.format("POST", "/destinations", headers, line)
    end
  end
  next_index = (id * 7) % #requests + 1
end

function request()
  local r = requests[next_index]
  next_index = next_index % #requests + 1
  return r
end
