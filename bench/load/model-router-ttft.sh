#!/usr/bin/env bash
# Time to first token added by the model router when streaming (issue #8: ≤ 1 ms p99). Starts bench/load/FakeLlm
# with a fixed first-token delay (the role chunk at once, the first word after FIRST_TOKEN_MS, then the rest at once)
# and the Release server in front of it (rate limits off), then runs `Crossroads.Benchmarks ttft`: streaming requests
# one at a time, alternately straight at the fake and through the router, timing the first chunk with content.
# Prints both distributions and router − direct per percentile; then the same for the path times (each request's time to
# first token minus the fake's own wait, which the fake stamps into its first word): the fake's timer jitter, several ms
# at p99 on a VM and independent between the sides, drops out, and router path − direct path is what the router adds.
# Then the same-wait control (CONTROL=0 skips it):
# `Crossroads.Benchmarks latency`, non-streaming requests alternated the same way against the same fake, which holds
# its whole answer for the same FIRST_TOKEN_MS. Both runs leave the router idle for the wait, so both pay its
# wake-ups after it (and after the direct request's wait); the last line, TTFT added − control added, is what
# streaming itself adds. Without the control the added TTFT reads as a streaming cost: at 20 ms it is ~1 ms while the
# non-streaming added latency of model-router-overhead.sh (no wait: the router never goes idle) is ~0.25 ms, and
# most of that gap is the idle router waking up, which the control shows as well.
# WARMUP (default 10s; 0 skips it): before timing, the router gets 5 s of streaming wrk -t2 -c32 and then WARMUP of wrk -c1
# (both shapes of the streaming and non-streaming paths), as model-router-overhead.sh does: started cold, the tiered JIT
# goes on compiling the request path through the first thousands of requests, and those compilations are the tail.
# Usage: [PORT=18190] [FAKE_PORT=18191] [WARMUP=10s] bench/load/model-router-ttft.sh [requests=3000] [first_token_ms=20] [warmup=500]
set -uo pipefail
cd "$(dirname "$0")/../.." || exit
requests=${1:-3000}
first=${2:-20}
warmup=${3:-500}
source bench/load/model-router-common.sh
trap 'stop_all; rm -rf "$work"' EXIT
build_all || exit 1
start_fake --FirstTokenMs "$first" --StampFirstToken true || exit 1
start_server --RateLimits:Enabled false || exit 1
if [[ ${WARMUP:-10s} != 0 ]]; then
  router="http://127.0.0.1:$port/v1/chat/completions"
  for script in bench/load/model-router-chat-stream.lua bench/load/model-router-chat.lua; do
    wrk -t2 -c32 -d5s -s "$script" "$router" >/dev/null
    wrk -t1 -c1 -d"${WARMUP:-10s}" -s "$script" "$router" >/dev/null
  done
fi
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
s0=$(cpu_ticks "$server_pid")
dotnet bench/Crossroads.Benchmarks/bin/Release/net10.0/Crossroads.Benchmarks.dll ttft \
  "http://127.0.0.1:$fake_port/v1/chat/completions" "http://127.0.0.1:$port/v1/chat/completions" "$requests" "$warmup" \
  | tee "$work/ttft.txt"
status=${PIPESTATUS[0]}
s1=$(cpu_ticks "$server_pid")
awk -v a="$s0" -v b="$s1" -v n="$((requests + warmup))" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "router CPU during the run per streamed request: %.0f µs (includes its idle background work and thread wake-ups at this one-at-a-time rate)\n", (b - a) * 1e6 / hz / n }'
if [[ ${CONTROL:-1} != 0 ]]; then
  echo "load average before the control: $(cut -d' ' -f1-3 /proc/loadavg)"
  dotnet bench/Crossroads.Benchmarks/bin/Release/net10.0/Crossroads.Benchmarks.dll latency \
    "http://127.0.0.1:$fake_port/v1/chat/completions" "http://127.0.0.1:$port/v1/chat/completions" "$requests" "$warmup" \
    | sed 's/^latency/same-wait non-streaming/' | tee "$work/control.txt"
  status=$(( status || PIPESTATUS[0] ))
  # "... added ms: p50 X p90 Y p99 Z errors N" in both: the difference per percentile.
  added() { awk '/added ms/ { for (i = 1; i < NF; i++) if ($i ~ /^p(50|90|99)$/) printf "%s ", $(i + 1); print "" }' "$1"; }
  paste -d' ' <(added "$work/ttft.txt") <(added "$work/control.txt") \
    | awk 'NF == 6 { printf "streaming own added ms (ttft added − same-wait control added): p50 %.3f p90 %.3f p99 %.3f\n", $1 - $4, $2 - $5, $3 - $6 }'
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
