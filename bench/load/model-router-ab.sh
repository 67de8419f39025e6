#!/usr/bin/env bash
# A/B of two builds of the server on the model router's non-streaming path (issue #8): both servers run at once in
# front of one instant fake upstream (bench/load/FakeLlm); per round, wrk -t1 -c16 drives each in turn (the order
# flips every round, so a slow moment of the shared machine hits both), and each line gives the server's CPU time
# per request (user + system of the server process / requests), the measure that noise on a shared machine moves
# least, and the bytes it allocated per request (dotnet_gc_allocated_bytes_total of its /metrics), which the load
# of the machine does not move at all. Ends with median and min–max per build.
# Usage: bench/load/model-router-ab.sh DIR_A DIR_B [rounds=6] [duration=10s]
#   DIR_A, DIR_B: folders holding Crossroads.Server.dll (e.g. a copy of src/Crossroads.Server/bin/Release/net10.0
#   of the baseline, and the current one). Needs bench/load/FakeLlm built in Release.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit
dir_a=$1; dir_b=$2
rounds=${3:-6}
duration=${4:-10s}
source bench/load/model-router-common.sh
pids=()
trap 'for p in "${pids[@]}" ${fake_pid:-}; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$work"' EXIT
start_fake || exit 1
declare -A pid_of port_of
for name in A B; do
  dir=$dir_a; [[ $name == B ]] && dir=$dir_b
  [[ $name == A ]] && p=${PORT:-18190} || p=$(( ${PORT:-18190} + 10 ))
  launch_server "$dir" "$name" "$p" "" --RateLimits:Enabled false
  pid_of[$name]=$launched_pid; port_of[$name]=$p; pids+=("$launched_pid")
  wait_up "$launched_pid" "http://127.0.0.1:$p/v1/chat/completions" "$name" || exit 1
done
script=bench/load/model-router-chat.lua
allocated() { curl -s "http://127.0.0.1:$1/metrics" | awk '/^dotnet_gc_allocated_bytes_total/ { print $NF }'; }
for name in A B; do wrk -t1 -c16 -d5s -s "$script" "http://127.0.0.1:${port_of[$name]}/v1/chat/completions" >/dev/null; done
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
results=$work/results.txt
for round in $(seq 1 "$rounds"); do
  if (( round % 2 )); then order="A B"; else order="B A"; fi
  for name in $order; do
    a0=$(allocated "${port_of[$name]}")
    c0=$(cpu_ticks "${pid_of[$name]}")
    out=$(wrk -t1 -c16 -d"$duration" --latency -s "$script" "http://127.0.0.1:${port_of[$name]}/v1/chat/completions")
    c1=$(cpu_ticks "${pid_of[$name]}")
    a1=$(allocated "${port_of[$name]}")
    requests=$(awk '/requests in/{print $1}' <<<"$out")
    rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
    non2xx=$(awk '/Non-2xx/{print $NF}' <<<"$out")
    cpu=$(awk -v a="$c0" -v b="$c1" -v n="$requests" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.1f", (b - a) * 1e6 / hz / n}')
    bytes=$(awk -v a="$a0" -v b="$a1" -v n="$requests" 'BEGIN{printf "%.0f", (b - a) / n}')
    printf '%s round=%s rps=%s cpu_us=%s alloc_bytes=%s non2xx=%s load=%s\n' "$name" "$round" "$rps" "$cpu" "$bytes" "${non2xx:-0}" "$(cut -d' ' -f1 /proc/loadavg)" | tee -a "$results"
  done
done
for name in A B; do
  awk -v n="$name" '$1 == n { split($4, c, "="); print c[2] }' "$results" | sort -n |
    awk -v n="$name" '{ x[NR] = $1 } END { printf "%s CPU µs/request: median %.1f, min %.1f, max %.1f over %d runs\n", n, (NR % 2 ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2), x[1], x[NR], NR }'
  awk -v n="$name" '$1 == n { split($5, c, "="); print c[2] }' "$results" | sort -n |
    awk -v n="$name" '{ x[NR] = $1 } END { printf "%s bytes allocated/request: median %.0f, min %.0f, max %.0f\n", n, (NR % 2 ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2), x[1], x[NR] }'
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
