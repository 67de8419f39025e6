#!/usr/bin/env bash
# Service routes on PostgreSQL (Debian's postgresql, a temporary cluster with fsync and synchronous_commit on, as the
# postgres user when run as root), two Release replicas sharing it, every chassis feature on:
#   1. writes: wrk -t2 -c16 POSTs of distinct routes to replica A for DURATION (committed upserts/s, latency);
#   2. visibility: a write on A, then resolves on B until B answers it (bench/load/visibility.py; p50/p99).
# Usage: [PORT=18080] bench/load/service-routes-postgres.sh [duration] [visibility-writes]
set -uo pipefail
cd "$(dirname "$0")/../.."
duration=${1:-10s}
writes=${2:-300}
port=${PORT:-18080}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
dotnet build -c Release src/Crossroads.Server >/dev/null
work=$(mktemp -d)
chmod 755 "$work"
as_pg=(); [[ $(id -u) == 0 ]] && as_pg=(runuser -u postgres --)
pg=$work/pg
mkdir -p "$pg" && chown postgres "$pg" 2>/dev/null
pgport=$((port + 100))
cleanup() { kill $pid_a $pid_b 2>/dev/null; wait 2>/dev/null; "${as_pg[@]}" "$bin/pg_ctl" stop -D "$pg/data" -m fast >/dev/null 2>&1; rm -rf "$work"; }
trap cleanup EXIT
"${as_pg[@]}" "$bin/initdb" -D "$pg/data" -U postgres --auth=trust >/dev/null || exit 1
"${as_pg[@]}" "$bin/pg_ctl" start -D "$pg/data" -l "$pg/log" -w -o "-p $pgport -k $pg -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on -c max_connections=200" >/dev/null || exit 1
"${as_pg[@]}" "$bin/createdb" -h 127.0.0.1 -p "$pgport" -U postgres crossroads || exit 1
# One wrk client must not be throttled by the per-client write budget (500/s by default): raise it for the run.
export RateLimits__Modules__ServiceRoutes__Writes__PermitsPerSecond=1000000 RateLimits__Modules__ServiceRoutes__Writes__Burst=1000000
export ConnectionStrings__Crossroads="Host=127.0.0.1;Port=$pgport;Username=postgres;Database=crossroads"
server_dll=$PWD/src/Crossroads.Server/bin/Release/net10.0/Crossroads.Server.dll

start() { # start PORT LOGNAME -> prints pid
  (cd "$work" && DOTNET_PerfMapEnabled=${PERF:+1} DOTNET_EnableWriteXorExecute=${PERF:+0} DATA_DIR="$work/data-$2" exec dotnet "$server_dll" --urls "http://127.0.0.1:$1") >"$work/$2.log" 2>&1 &
  echo $!
}
wait_ready() {
  for _ in $(seq 1 600); do
    [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/health/ready") == 200 ]] && return 0
    sleep 0.1
  done
  echo "replica on $1 did not start" >&2; exit 1
}
pid_a=$(start "$port" a); pid_b=$(start $((port + 1)) b)
wait_ready "$port"; wait_ready $((port + 1))

export ROUTES=1000000 THREADS=2
OFFSET=500000 wrk -t2 -c16 -d"${WARMUP:-3s}" -s bench/load/upsert-routes.lua "http://127.0.0.1:$port" >/dev/null   # warm-up, other keys
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
pg_cpu() { # the postmaster of our cluster and its children (other clusters on the machine are not counted)
  local main t=0; main=$(head -1 "$pg/data/postmaster.pid")
  for p in "$main" $(pgrep -P "$main"); do t=$((t + $(cpu "$p" 2>/dev/null || echo 0))); done; echo $t
}
a0=$(cpu "$pid_a"); p0=$(pg_cpu)
[[ -n ${PERF:-} ]] && { perf record -F 499 -g -p "$pid_a" -o "$PERF" -- sleep 8 >/dev/null 2>&1 & }
out=$(OFFSET=0 wrk -t2 -c16 -d"$duration" --latency -s bench/load/upsert-routes.lua "http://127.0.0.1:$port")
a1=$(cpu "$pid_a"); p1=$(pg_cpu)
echo "$out" | grep -E "Requests/sec|Latency|50%|99%|Non-2xx|requests in"
requests=$(awk '/requests in/{print $1}' <<<"$out")
awk -v a="$((a1 - a0))" -v p="$((p1 - p0))" -v n="$requests" -v hz="$(getconf CLK_TCK)" \
  'BEGIN{printf "CPU per write: server %.0f us, PostgreSQL %.0f us\n", a * 1e6 / hz / n, p * 1e6 / hz / n}'
python3 bench/load/visibility.py "http://127.0.0.1:$port" "http://127.0.0.1:$((port + 1))" "$writes"
