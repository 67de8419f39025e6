-- wrk script: GET /destination/<random IPv4 address>, a fixed seed per thread.
-- wrk -t2 -c64 -d20s --latency -s bench/load/random-lookups.lua http://127.0.0.1:8000
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

function init(args)
  math.randomseed(seed * 7919)
end

function request()
  local ip = string.format("%d.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(0, 255), math.random(0, 255))
  return wrk.format("GET", "/destination/" .. ip)
end
