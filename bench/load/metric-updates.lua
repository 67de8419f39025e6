-- wrk script: PUT exact metric updates on one route of the full table, alternating two metrics, so every
-- request changes the table and is journaled (fsync) before its 200.
-- wrk -t1 -c4 -d10s --latency -s bench/load/metric-updates.lua http://127.0.0.1:8000
local n = 0

function request()
  n = n + 1
  local metric = 100 + (n % 2)
  return wrk.format("PUT", "/prefix/1.0.0.0%2F24/nh/192.168.240.1/metric/" .. metric .. "/match/exact")
end
