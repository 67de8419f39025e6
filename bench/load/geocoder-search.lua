-- wrk script: GET /search with queries read from a file (one request path a line, see geocoder-queries.py),
-- each thread from its own offset; prints p50/p95/p99 and requests/s at the end.
-- wrk -t2 -c32 -d20s -s bench/load/geocoder-search.lua http://127.0.0.1:18090 -- /tmp/geocoder-queries.txt
local counter = 0
local threads = {}

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  local file = args[1] or "/tmp/geocoder-queries.txt"
  paths = {}
  for line in io.lines(file) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  index = (id * 7919) % #paths
end

function request()
  index = index % #paths + 1
  return wrk.format("GET", paths[index])
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format("requests %d in %.1f s: %.0f req/s, errors (non-2xx/socket) %d/%d\n",
    summary.requests, seconds, summary.requests / seconds,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  io.write(string.format("latency p50 %.2f ms, p95 %.2f ms, p99 %.2f ms, max %.2f ms\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
