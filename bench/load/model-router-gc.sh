#!/usr/bin/env bash
# Collections per request on the model router's non-streaming path, two builds (or two GC settings) side by side
# (issue #8: the gen0 pauses were the router's share of the p99 at -c1). Both servers run at once in front of one
# instant fake upstream (bench/load/FakeLlm); per round, each in turn (the order flips every round) gets wrk -t1 -c1
# while `Crossroads.Benchmarks runtime-events` records its collections. Each line gives the requests, the bytes the
# server allocated per request (dotnet_gc_allocated_bytes_total of its /metrics), and per generation the collections
# in the wrk window, per 1,000 requests, and their pauses (suspension to restart) p50 / p99 / max in ms
# (bench/load/gc-pauses.py). Pause lengths move with the machine's load; counts and bytes hardly do. Ends with a
# paired run: A and B alternated request by request, so both meet the same moments of the shared machine.
# Usage: [ENV_A="DOTNET_X=1 ..."] [ENV_B=...] [PAIRED=5000] bench/load/model-router-gc.sh DIR_A DIR_B [rounds=4] [duration=15s]
#   DIR_A, DIR_B: folders holding Crossroads.Server.dll (copies of src/Crossroads.Server/bin/Release/net10.0);
#   ENV_A / ENV_B: extra environment of that server (e.g. a GC setting, with DIR_A = DIR_B). Needs bench/load/FakeLlm
#   and bench/Crossroads.Benchmarks built in Release.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit
dir_a=$1; dir_b=$2
rounds=${3:-4}
duration=${4:-15s}
source bench/load/model-router-common.sh
pids=()
trap 'for p in "${pids[@]}" ${fake_pid:-}; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$work"' EXIT
start_fake || exit 1
declare -A pid_of port_of
for name in A B; do
  dir=$dir_a; extra_env=${ENV_A:-}
  [[ $name == B ]] && { dir=$dir_b; extra_env=${ENV_B:-}; }
  [[ $name == A ]] && p=$port || p=$(( port + 10 ))
  port_free "$p" || exit 1
  launch_server "$dir" "$name" "$p" "$extra_env" --RateLimits:Enabled false
  pid_of[$name]=$launched_pid; port_of[$name]=$p; pids+=("$launched_pid")
  wait_up "$launched_pid" "http://127.0.0.1:$p/v1/chat/completions" "$name" || exit 1
done
script=bench/load/model-router-chat.lua
url() { echo "http://127.0.0.1:${port_of[$1]}/v1/chat/completions"; }
allocated() { curl -s "http://127.0.0.1:${port_of[$1]}/metrics" | awk '/^dotnet_gc_allocated_bytes_total/ { print $NF }'; }
# Warm-up as in model-router-overhead.sh: saturation, then long enough at -c1 for the tiered JIT to settle, and enough
# requests to fill the decision store (10,000), so the rounds measure its steady state.
for name in A B; do
  wrk -t2 -c32 -d5s -s "$script" "$(url "$name")" >/dev/null
  wrk -t1 -c1 -d"${WARMUP:-20s}" -s "$script" "$(url "$name")" >/dev/null
done
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
seconds=${duration%s}
results=$work/results.txt
for round in $(seq 1 "$rounds"); do
  if (( round % 2 )); then order="A B"; else order="B A"; fi
  for name in $order; do
    events=$work/events-$name-$round.txt
    dotnet bench/Crossroads.Benchmarks/bin/Release/net10.0/Crossroads.Benchmarks.dll runtime-events "${pid_of[$name]}" "$events" "$((seconds + 5))" &
    recorder=$!
    sleep 3   # the EventPipe session is up well before wrk starts
    a0=$(allocated "$name")
    t0=$(date +%s%6N)
    out=$(wrk -t1 -c1 -d"$duration" --latency -s "$script" "$(url "$name")")
    t1=$(date +%s%6N)
    a1=$(allocated "$name")
    wait "$recorder"
    requests=$(awk '/requests in/{print $1}' <<<"$out")
    p99=$(awk '$1 == "99%"{print $2}' <<<"$out")
    bytes=$(awk -v a="$a0" -v b="$a1" -v n="$requests" 'BEGIN{printf "%.0f", (b - a) / n}')
    printf '%s round=%s requests=%s p99=%s alloc_bytes=%s load=%s %s\n' "$name" "$round" "$requests" "$p99" "$bytes" \
      "$(cut -d' ' -f1 /proc/loadavg)" "$(python3 bench/load/gc-pauses.py "$events" "$t0" "$t1" "$requests")" | tee -a "$results"
  done
done
# Then both at the same moments: one request at a time, A and B alternating request by request (`latency`; its
# "direct" is A, "router" B, "added" B − A), PAIRED requests each (default 5,000; 0 skips).
if (( ${PAIRED:-5000} > 0 )); then
  echo "paired one-at-a-time latency, A then B alternated (${PAIRED:-5000} requests each, load $(cut -d' ' -f1 /proc/loadavg)):"
  dotnet bench/Crossroads.Benchmarks/bin/Release/net10.0/Crossroads.Benchmarks.dll latency "$(url A)" "$(url B)" "${PAIRED:-5000}" 300 |
    sed -e 's/latency direct ms/A ms/' -e 's/latency router ms/B ms/' -e 's/latency added ms/B - A ms/'
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
# Over all rounds: bytes per request, collections per 1,000 requests, and the median of the rounds' gen0 pause p50 and
# the largest gen0 pause.
python3 - "$results" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    name, *fields = line.split()
    rows.setdefault(name, []).append({k: v for k, v in (f.split("=", 1) for f in fields)})
for name in sorted(rows):
    r = rows[name]
    req = sum(int(x["requests"]) for x in r)
    per = lambda g: 1000 * sum(int(x[g]) for x in r) / req
    p50 = sorted(float(x["gen0_pause_ms_p50"]) for x in r)
    mid = (p50[(len(p50) - 1) // 2] + p50[len(p50) // 2]) / 2
    print(f"{name}: {req} requests, {sum(float(x['alloc_bytes']) * int(x['requests']) for x in r) / req:.0f} bytes/request, "
          f"gen0 {per('gen0'):.2f}, gen1 {per('gen1'):.2f}, gen2 {per('gen2'):.2f} per 1,000 requests, gen0 pause p50 "
          f"(median of rounds) {mid:.3f} ms, largest gen0 pause {max(float(x['gen0_pause_ms_max']) for x in r):.3f} ms")
PY
