#!/usr/bin/env bash
# Service routes over HTTP, measured with wrk against the Release server (every chassis feature on, the module's
# default rate limits) on the embedded SQLite store seeded with ROUTES routes (bench/load/seed-sqlite-routes.py).
#   MODE=compare (default): cached resolves against a bare Kestrel endpoint of the same shape
#     (bench/load/BareKestrel), alternated A B A B, wrk -t2 -c32; prints each run, the median ratio and the spread.
#   MODE=rss: loads ROUTES routes (default 1,000,000), prints load time and the server's RSS, then one resolve run.
# Usage: [PORT=18080] [ROUTES=10000] [MODE=compare|rss] bench/load/service-routes.sh [rounds] [duration]
set -uo pipefail
cd "$(dirname "$0")/../.."
mode=${MODE:-compare}
rounds=${1:-5}
duration=${2:-10s}
port=${PORT:-18080}
if [[ $mode == rss ]]; then routes=${ROUTES:-1000000}; else routes=${ROUTES:-10000}; fi
export ROUTES=$routes
dotnet build -c Release src/Crossroads.Server >/dev/null
dotnet build -c Release bench/load/BareKestrel >/dev/null
work=$(mktemp -d)
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
data=$work/data
mkdir -p "$data"
server_dll=$PWD/src/Crossroads.Server/bin/Release/net10.0/Crossroads.Server.dll
resolve_path="/api/v1/routes/resolve?tenant=t1&service=s1&env=prod&version=v1"

wait_ready() { # wait_ready NAME PATH
  for _ in $(seq 1 1200); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port$2")
    [[ $code == 200 ]] && kill -0 "$pid" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "$1 did not start; see $work/$1.log" >&2
  return 1
}

start() { # start NAME: runs the server or the bare reference in the background, sets $pid
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
    echo "port $port is already in use; set PORT" >&2
    return 1
  fi
  if [[ $1 == bare ]]; then
    (cd "$work" && exec dotnet "$OLDPWD/bench/load/BareKestrel/bin/Release/net10.0/BareKestrel.dll" --urls "http://127.0.0.1:$port") >"$work/$1.log" 2>&1 &
  else
    (cd "$work" && DATA_DIR="$data" exec dotnet "$server_dll" --urls "http://127.0.0.1:$port") >"$work/$1.log" 2>&1 &
  fi
  pid=$!
  wait_ready "$1" "$resolve_path"
}

# A first start creates and migrates the store; then the routes go in directly.
(cd "$work" && DATA_DIR="$data" exec dotnet "$server_dll" --urls "http://127.0.0.1:$port") >"$work/migrate.log" 2>&1 &
pid=$!
wait_ready migrate /health/ready || exit 1
kill "$pid"; wait "$pid" 2>/dev/null
python3 bench/load/seed-sqlite-routes.py "$data" "$routes"
echo "seeded $routes routes"

run_wrk() { # run_wrk NAME ROUND: one measured run against $pid
  wrk -t2 -c32 -d5s -s bench/load/resolve-routes.lua "http://127.0.0.1:$port" >/dev/null   # warm-up: tiered JIT
  cpu0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  out=$(wrk -t2 -c32 -d"$duration" --latency -s bench/load/resolve-routes.lua "http://127.0.0.1:$port")
  cpu1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
  requests=$(awk '/requests in/{print $1}' <<<"$out")
  p99=$(awk '$1 == "99%"{print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/{print $NF}' <<<"$out")
  cpu=$(awk -v a="$cpu0" -v b="$cpu1" -v n="$requests" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.1f", (b - a) * 1e6 / hz / n}')
  printf '%s round=%s rps=%s p99=%s non2xx=%s server_cpu_us_per_request=%s\n' "$1" "$2" "$rps" "$p99" "${non2xx:-0}" "$cpu" | tee -a "$work/results.txt"
}

if [[ $mode == rss ]]; then
  t0=$(date +%s.%N)
  start server || exit 1
  t1=$(date +%s.%N)
  sleep 2
  printf 'ready with %s routes in %.2f s; RSS %s MiB\n' "$routes" "$(echo "$t1 - $t0" | bc)" "$(awk '/VmRSS/{printf "%.0f", $2 / 1024}' "/proc/$pid/status")"
  run_wrk server 1
  printf 'RSS after the run: %s MiB (peak %s MiB)\n' "$(awk '/VmRSS/{printf "%.0f", $2 / 1024}' "/proc/$pid/status")" "$(awk '/VmHWM/{printf "%.0f", $2 / 1024}' "/proc/$pid/status")"
  exit 0
fi

for round in $(seq 1 "$rounds"); do
  for name in bare server; do
    start "$name" || exit 1
    run_wrk "$name" "$round"
    kill "$pid"; wait "$pid" 2>/dev/null
  done
done
awk '{ split($2, r, "="); split($3, q, "="); rps[$1, r[2]] = q[2] }
     END { for (k in rps) { split(k, p, SUBSEP); if (p[1] == "server" && (("bare", p[2]) in rps)) print rps[k] / rps["bare", p[2]] } }' "$work/results.txt" |
  sort -n | awk '{ x[NR] = $1 } END { if (NR) printf "server/bare req/s: median %.3f, min %.3f, max %.3f over %d pairs\n", (NR % 2 ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2), x[1], x[NR], NR }'
