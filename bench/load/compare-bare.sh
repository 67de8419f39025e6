#!/usr/bin/env bash
# Chassis overhead: the Release server (full table, every chassis feature on: request ids, JSON logs in Production,
# metrics, API-key middleware without keys, rate limiting ENABLED with the module's default budget) against
# a bare Kestrel endpoint of the same path shape (bench/load/BareKestrel), measured alternately (A B, B A, ...), one
# process at a time, with wrk -t2 -c32 and random IPv4 paths. Prints one line per run and the median ratio.
# MODE=429 gives the server a read budget of 1/s (burst 1), so nearly every request is a 429, to compare that path.
# MODE=pair runs both in each round, the server with its default budget ("server", 200s) and the same build with that
# 1/s budget ("limited", 429s), and prints limited/server per round for CPU per request: what a 429 costs against a
# 200 measured minutes apart in the same rounds, not in two runs at different loads.
# WARMUP (default 5s) is the wrk run before the measured one; WARMUP_RUNS=N (default 1) makes it N runs of that length,
# each on 32 new connections: the per-connection code (accept, connection setup and close) runs 32 times per wrk run,
# so after one run it is still being tiered up during the measured run (JIT in the window), as it is not in a
# long-running server. For the server, jit_us_per_request is the JIT time
# (dotnet_jit_compilation_seconds_total from /metrics) spent inside the measured window per request: tiered
# compilation is still recompiling hot methods 5 s after start, and that CPU is counted in server_cpu_us_per_request.
# user_us_per_request is the user-mode part of it (the process's code: managed, runtime, libc), which varies less with
# the machine's load than the kernel's networking part.
# BASE=path/to/Crossroads.Server.dll adds a third process to each round, another build of the server (e.g. the
# previous commit's output folder copied aside) started the same way, and prints server/base and base/bare too: an
# old-against-new A/B in the same run as the bare reference.
# Usage: [PORT=18080] [MODE=429|pair] [WARMUP=5s] [WARMUP_RUNS=1] [BASE=dll] bench/load/compare-bare.sh [routes-file] [rounds] [duration]
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
routes=$(realpath "${1:-../shared/data/routes-full.txt.gz}")
rounds=${2:-5}
duration=${3:-10s}
port=${PORT:-18080}
warmup=${WARMUP:-5s}
warmup_runs=${WARMUP_RUNS:-1}
base=${BASE:+$(realpath "$BASE")}
sides=(bare server)
[[ -n $base ]] && sides=(bare base server)
[[ ${MODE:-200} == pair ]] && sides=("${sides[@]}" limited)
# 200: the routing table's default budgets (500,000/s per client, burst 1,000,000: one wrk client never spends them).
# 429: a read budget of 1/s, burst 1, so nearly every request is a 429.
limited=(--RateLimits:Modules:RoutingTable:Reads:PermitsPerSecond 1 --RateLimits:Modules:RoutingTable:Reads:Burst 1)
if [[ ${MODE:-200} == 429 ]]; then budget=("${limited[@]}"); else budget=(); fi
dotnet build -c Release src/Crossroads.Server >/dev/null
dotnet build -c Release bench/load/BareKestrel >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

start() { # start NAME: runs the server or the bare reference in the background, sets $pid
  local data
  # Another process on the port would answer in place of ours (a server that cannot bind exits).
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
    echo "port $port is already in use; set PORT" >&2
    return 1
  fi
  data=$(mktemp -d -p "$work")
  if [[ $1 == bare ]]; then
    (cd "$work" && exec dotnet "$OLDPWD/bench/load/BareKestrel/bin/Release/net10.0/BareKestrel.dll" --urls "http://127.0.0.1:$port") >"$work/$1.log" 2>&1 &
  else
    local dll=$PWD/src/Crossroads.Server/bin/Release/net10.0/Crossroads.Server.dll options=("${budget[@]}")
    [[ $1 == base ]] && dll=$base
    [[ $1 == limited ]] && options=("${limited[@]}")
    (cd "$work" && ROUTES_FILE="$routes" DATA_DIR="$data" exec dotnet "$dll" \
      --urls "http://127.0.0.1:$port" "${options[@]}") >"$work/$1.log" 2>&1 &
  fi
  pid=$!
  for _ in $(seq 1 600); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/destination/1.0.167.1")
    [[ $code == 200 || $code == 429 ]] && kill -0 "$pid" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  echo "$1 did not start; see $work/$1.log" >&2
  return 1
}

jit_seconds() { # the server's JIT time so far (the bare reference has no /metrics: "-")
  curl -s "http://127.0.0.1:$port/metrics" | awk '$1 ~ /^dotnet_jit_compilation_seconds_total({})?$/ {v = $2} END {print (v == "" ? "-" : v)}'
}

results=$work/results.txt
for round in $(seq 1 "$rounds"); do
  order=("${sides[@]}")
  # Every other round in reverse (A B C, C B A, ...), so that no side always runs first or last.
  if (( round % 2 == 0 )); then order=(); for ((i = ${#sides[@]} - 1; i >= 0; i--)); do order+=("${sides[i]}"); done; fi
  for name in "${order[@]}"; do
    start "$name" || exit 1
    for ((w = 0; w < warmup_runs; w++)); do   # warm-up: tiered JIT
      wrk -t2 -c32 -d"$warmup" -s bench/load/random-lookups.lua "http://127.0.0.1:$port" >/dev/null
    done
    jit0=$(jit_seconds)
    cpu0=$(awk '{print $14 + $15}' "/proc/$pid/stat"); user0=$(awk '{print $14}' "/proc/$pid/stat")
    out=$(wrk -t2 -c32 -d"$duration" --latency -s bench/load/random-lookups.lua "http://127.0.0.1:$port")
    cpu1=$(awk '{print $14 + $15}' "/proc/$pid/stat"); user1=$(awk '{print $14}' "/proc/$pid/stat")
    jit1=$(jit_seconds)
    kill "$pid"; wait "$pid" 2>/dev/null   # the server drains for Shutdown:DrainDelaySeconds first
    rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
    requests=$(awk '/requests in/{print $1}' <<<"$out")
    p99=$(awk '$1 == "99%"{print $2}' <<<"$out")
    non2xx=$(awk '/Non-2xx/{print $NF}' <<<"$out")
    cpu=$(awk -v a="$cpu0" -v b="$cpu1" -v n="$requests" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.1f", (b - a) * 1e6 / hz / n}')
    user=$(awk -v a="$user0" -v b="$user1" -v n="$requests" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.1f", (b - a) * 1e6 / hz / n}')
    jit=$(awk -v a="$jit0" -v b="$jit1" -v n="$requests" 'BEGIN{if (a == "-" || b == "-") print "-"; else printf "%.1f", (b - a) * 1e6 / n}')
    printf '%s round=%s rps=%s p99=%s non2xx=%s server_cpu_us_per_request=%s user_us_per_request=%s jit_us_per_request=%s\n' "$name" "$round" "$rps" "$p99" "${non2xx:-0}" "$cpu" "$user" "$jit" | tee -a "$results"
  done
done
# Ratio per round (e.g. server req/s / bare req/s of the same round), then median, min and max; with BASE also the
# CPU per request of the two builds (field 6: server_cpu_us_per_request, field 7: user_us_per_request).
ratio() { # ratio NUMERATOR DENOMINATOR [FIELD] [LABEL]
  awk -v a="$1" -v b="$2" -v f="${3:-3}" '{ split($2, r, "="); split($f, q, "="); v[$1, r[2]] = q[2] }
       END { for (k in v) { split(k, p, SUBSEP); if (p[1] == a && ((b, p[2]) in v) && v[b, p[2]] > 0) print v[k] / v[b, p[2]] } }' "$results" |
    sort -n | awk -v name="$1/$2 ${4:-req/s}" '{ x[NR] = $1 } END { if (NR) printf "%s: median %.3f, min %.3f, max %.3f over %d pairs\n", name, (NR % 2 ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2), x[1], x[NR], NR }'
}
ratio server bare
if [[ ${MODE:-200} == pair ]]; then
  ratio limited bare
  ratio limited server 6 "CPU per request (429 against 200)"
  ratio limited server 7 "user CPU per request (429 against 200)"
fi
if [[ -n $base ]]; then
  ratio base bare
  ratio server base
  ratio server base 6 "CPU per request"
  ratio server base 7 "user CPU per request"
fi
