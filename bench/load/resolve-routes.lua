-- wrk script: GET /api/v1/routes/resolve of a random key among ROUTES (env, default 10000) created by upsert-routes.lua.
-- ROUTES=10000 wrk -t2 -c32 -d10s --latency -s bench/load/resolve-routes.lua http://127.0.0.1:8080
local counter = 0
local routes = tonumber(os.getenv("ROUTES") or "10000")

function setup(thread)
  counter = counter + 1
  thread:set("seed", counter)
end

function init(args)
  math.randomseed(seed * 7919)
end

function request()
  local key = math.random(0, routes - 1)
  return wrk.format("GET", string.format("/api/v1/routes/resolve?tenant=t%d&service=s%d&env=prod&version=v1", key % 100, key))
end
