#!/usr/bin/env bash
# Time to first token added by the model router when streaming (issue #8: ≤ 1 ms p99). Starts bench/load/FakeLlm
# with a fixed first-token delay (the role chunk at once, the first word after FIRST_TOKEN_MS, then the rest at once)
# and the Release server in front of it (rate limits off), then runs `Crossroads.Benchmarks ttft`: streaming requests
# one at a time, alternately straight at the fake and through the router, timing the first chunk with content.
# Prints both distributions and router − direct per percentile.
# Usage: [PORT=18190] [FAKE_PORT=18191] bench/load/model-router-ttft.sh [requests=3000] [first_token_ms=20] [warmup=500]
set -uo pipefail
cd "$(dirname "$0")/../.." || exit
requests=${1:-3000}
first=${2:-20}
warmup=${3:-500}
source bench/load/model-router-common.sh
trap 'stop_all; rm -rf "$work"' EXIT
build_all || exit 1
start_fake --FirstTokenMs "$first" || exit 1
start_server --RateLimits:Enabled false || exit 1
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
s0=$(cpu_ticks "$server_pid")
dotnet bench/Crossroads.Benchmarks/bin/Release/net10.0/Crossroads.Benchmarks.dll ttft \
  "http://127.0.0.1:$fake_port/v1/chat/completions" "http://127.0.0.1:$port/v1/chat/completions" "$requests" "$warmup"
status=$?
s1=$(cpu_ticks "$server_pid")
awk -v a="$s0" -v b="$s1" -v n="$((requests + warmup))" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "router CPU during the run per streamed request: %.0f µs (includes its idle background work and thread wake-ups at this one-at-a-time rate)\n", (b - a) * 1e6 / hz / n }'
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
