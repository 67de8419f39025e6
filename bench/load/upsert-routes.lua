-- wrk script: POST /api/v1/routes, each thread cycling over its share of ROUTES keys (env ROUTES, default 10000):
-- tenant t<k % 100>, service s<k>, env prod, version v1, starting at key OFFSET (env, default 0). The first pass
-- creates, later passes are unchanged upserts.
-- ROUTES=10000 wrk -t2 -c16 -d20s --latency -s bench/load/upsert-routes.lua http://127.0.0.1:8080
local threads = 0
local routes = tonumber(os.getenv("ROUTES") or "10000")

function setup(thread)
  thread:set("index", threads)
  threads = threads + 1
  thread:set("stride", tonumber(os.getenv("THREADS") or "2"))
end

function init(args)
  k = index + tonumber(os.getenv("OFFSET") or "0")
end

function request()
  local key = k % routes
  k = k + stride
  local body = string.format('{"tenant":"t%d","service":"s%d","env":"prod","version":"v1","url":"http://s%d.t%d.svc.cluster.local:8080"}', key % 100, key, key, key % 100)
  return wrk.format("POST", "/api/v1/routes", { ["Content-Type"] = "application/json" }, body)
end
