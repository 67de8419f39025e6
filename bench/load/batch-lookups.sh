#!/usr/bin/env bash
# Batch lookups over HTTP: POST /destinations with 1,000 addresses per request (bench/load/batch-lookups.lua), against
# the Release server on a routes file with its default settings (JSON logs, metrics, rate limiting on). With several
# server builds (NAME=DLL arguments) they run alternated, one process at a time, ROUNDS times; each run gets a
# warm-up (WARMUP, default 20 s: tiered JIT must reach its optimized code, which takes long on a busy machine)
# before the measured wrk run. wrk and the server share the machine's cores.
# Prints requests/s, lookups/s (= requests/s x 1,000), p50/p99 and the server's CPU per request, then medians.
# Usage: [KIND=inside|random|mixed] [CONNECTIONS=16] [WARMUP=20s] [PORT=18092] bench/load/batch-lookups.sh [routes-file] [rounds] [duration] [NAME=DLL ...]
#   NAME=DLL[,VAR=VALUE...] sets environment variables for that build, e.g. old=/tmp/old/Crossroads.Server.dll,DOTNET_TieredCompilation=0
#   default build: this tree's Release server (built first).
set -uo pipefail
cd "$(dirname "$0")/../.."
routes=$(realpath "${1:-../shared/data/routes-full.txt.gz}")
rounds=${2:-3}
duration=${3:-10s}
shift 3 2>/dev/null || shift $#
kind=${KIND:-inside}
connections=${CONNECTIONS:-16}
warmup=${WARMUP:-20s}
port=${PORT:-18092}
builds=("$@")
if [[ ${#builds[@]} -eq 0 ]]; then
  dotnet build -c Release src/Crossroads.Server >/dev/null || exit 1
  builds=("current=$PWD/src/Crossroads.Server/bin/Release/net10.0/Crossroads.Server.dll")
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bodies=$work/bodies.txt
python3 bench/load/make-batch-bodies.py "$routes" "$kind" 16 1000 1 >"$bodies" || exit 1
results=$work/results.tsv
hz=$(getconf CLK_TCK)

for round in $(seq 1 "$rounds"); do
  for spec in "${builds[@]}"; do
    name=${spec%%=*}
    IFS=',' read -r -a parts <<<"${spec#*=}"
    dll=${parts[0]}
    envs=("${parts[@]:1}")
    if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
      echo "port $port is already in use; set PORT" >&2
      exit 1
    fi
    data=$(mktemp -d -p "$work")
    env ${envs[@]+"${envs[@]}"} ROUTES_FILE="$routes" DATA_DIR="$data" dotnet "$dll" --urls "http://127.0.0.1:$port" >"$work/$name.log" 2>&1 &
    pid=$!
    until curl -fs -o /dev/null "http://127.0.0.1:$port/health/ready"; do
      kill -0 "$pid" 2>/dev/null || { echo "$name did not start; see its log:" >&2; tail -5 "$work/$name.log" >&2; exit 1; }
      sleep 0.2
    done
    wrk -t2 -c"$connections" -d"$warmup" -s bench/load/batch-lookups.lua "http://127.0.0.1:$port" -- "$bodies" >/dev/null
    cpu0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    out=$(wrk -t2 -c"$connections" -d"$duration" --latency -s bench/load/batch-lookups.lua "http://127.0.0.1:$port" -- "$bodies")
    cpu1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
    kill -KILL "$pid"; wait "$pid" 2>/dev/null
    rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
    requests=$(awk '/requests in/{print $1}' <<<"$out")
    p50=$(awk '$1 == "50%"{print $2}' <<<"$out")
    p99=$(awk '$1 == "99%"{print $2}' <<<"$out")
    errors=$(awk '/Non-2xx|Socket errors/{print}' <<<"$out")
    cpu=$(awk -v a="$cpu0" -v b="$cpu1" -v n="$requests" -v hz="$hz" 'BEGIN{printf "%.0f", (b - a) * 1e6 / hz / n}')
    printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$rps" "$p50" "$p99" "$cpu" >>"$results"
    printf 'round %d %-10s %8.0f req/s  %5.2f M lookups/s  p50 %-8s p99 %-8s server CPU %s us/request %s\n' \
      "$round" "$name" "$rps" "$(awk -v r="$rps" 'BEGIN{print r / 1000}')" "$p50" "$p99" "$cpu" "$errors"
  done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores; wrk, the server and any other work share them)"
python3 - "$results" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1], encoding="utf-8"):
    name, rps, p50, p99, cpu = line.rstrip("\n").split("\t")
    rows.setdefault(name, []).append((float(rps), p50, p99, float(cpu)))
first = None
for name, values in rows.items():
    rps = [v[0] for v in values]
    cpu = [v[3] for v in values]
    median = statistics.median(rps)
    first = first or median
    print(f"median of {len(values)} {name}: {median / 1000:.2f} M lookups/s ({min(rps) / 1000:.2f}-{max(rps) / 1000:.2f}), "
          f"{median / first:.2f}x the first build, server CPU {statistics.median(cpu):.0f} us/request, p99 {', '.join(v[2] for v in values)}")
PY
