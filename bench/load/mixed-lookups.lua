-- wrk script: GET /destination/<address>, 80% random IPv4, 20% random IPv6 inside 2000::/4.
-- wrk -t2 -c64 -d20s --latency -s bench/load/mixed-lookups.lua http://127.0.0.1:8000
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

function init(args)
  math.randomseed(seed * 104729)
end

function request()
  local path
  if math.random() < 0.8 then
    path = string.format("%d.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(0, 255), math.random(0, 255))
  else
    path = string.format("2%03x:%x:%x::%x", math.random(0, 4095), math.random(0, 65535), math.random(0, 65535), math.random(1, 65535))
  end
  return wrk.format("GET", "/destination/" .. path)
end
