#!/usr/bin/env bash
# 1,000 concurrent open streams through the model router (issue #8). Starts bench/load/FakeLlm streaming slowly
# (a token every 100 ms, 100 tokens: ~10 s per stream) and the Release server in front of it with its DEFAULT
# settings (rate limits on, every module composed), then opens COUNT streaming chat completions at once (started
# over 2 s) with `Crossroads.Benchmarks streams` and reads each to its end. Prints the client's tally (completed with
# [DONE], failures by cause, most flowing at once, time to first content) and the server's peak RSS, threads and CPU.
# Each round also runs the same burst straight at the fake ("direct"), the reference for time to first content
# (the client, the fake and the router share the machine, so a burst of 1,000 connections takes time on its own).
# Usage: [PORT=18190] [FAKE_PORT=18191] [ROUNDS=2] bench/load/model-router-streams.sh [count=1000] [inter_token_ms=100] [tokens=100]
set -uo pipefail
cd "$(dirname "$0")/../.." || exit
count=${1:-1000}
inter=${2:-100}
tokens=${3:-100}
source bench/load/model-router-common.sh
trap 'stop_all; rm -rf "$work"' EXIT
build_all || exit 1
start_fake --InterTokenMs "$inter" --Tokens "$tokens" || exit 1
start_server || exit 1
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
bench=(dotnet bench/Crossroads.Benchmarks/bin/Release/net10.0/Crossroads.Benchmarks.dll streams)
# Warm-up through the router (JIT, thread pool): a cold server spends its first seconds compiling, which is a start
# cost, not a per-stream one. Its upstream connections stay pooled, so the first measured burst still opens most of
# the 1,000 connections to the fake (only 50 exist).
"${bench[@]}" "http://127.0.0.1:$port/v1/chat/completions" 50 >/dev/null
hz=$(getconf CLK_TCK)
status=0
# Router and direct (the same client straight at the fake: the reference for time to first content) alternate.
for round in $(seq 1 "${ROUNDS:-2}"); do
  for name in router direct; do
    if [[ $name == router ]]; then target=$port; else target=$fake_port; fi
    echo "== $name round $round (load $(cut -d' ' -f1 /proc/loadavg))"
    # Sample the server while the streams run: the largest RSS and thread count seen.
    rss0=$(awk '/VmRSS/{print $2}' "/proc/$server_pid/status")
    echo "$rss0 0" >"$work/peak"
    ( max=0; thr=0
      while kill -0 "$server_pid" 2>/dev/null; do
        r=$(awk '/VmRSS/{print $2}' "/proc/$server_pid/status" 2>/dev/null); t=$(awk '/Threads/{print $2}' "/proc/$server_pid/status" 2>/dev/null)
        (( ${r:-0} > max )) && max=$r; (( ${t:-0} > thr )) && thr=$t
        echo "$max $thr" >"$work/peak"; sleep 0.2
      done ) &
    sampler=$!
    s0=$(cpu_ticks "$server_pid"); f0=$(cpu_ticks "$fake_pid"); t0=$(date +%s.%N)
    "${bench[@]}" "http://127.0.0.1:$target/v1/chat/completions" "$count" || status=1
    s1=$(cpu_ticks "$server_pid"); f1=$(cpu_ticks "$fake_pid"); t1=$(date +%s.%N)
    kill "$sampler" 2>/dev/null; wait "$sampler" 2>/dev/null
    read -r peak threads <"$work/peak"
    if [[ $name == router ]]; then
      awk -v a="$s0" -v b="$s1" -v fa="$f0" -v fb="$f1" -v t0="$t0" -v t1="$t1" -v hz="$hz" -v rss0="$rss0" -v peak="$peak" -v thr="$threads" -v n="$count" 'BEGIN {
        printf "server: RSS %.0f MiB before, peak %.0f MiB during (+%.1f KiB per stream), at most %d threads; CPU %.2f s over %.1f s (%.0f%% of one core, %.2f ms per stream); fake CPU %.2f s\n",
          rss0 / 1024, peak / 1024, (peak - rss0) / n, thr, (b - a) / hz, t1 - t0, (b - a) / hz / (t1 - t0) * 100, (b - a) / hz * 1000 / n, (fb - fa) / hz }'
    fi
  done
done
grep '"LogLevel":"\(Warning\|Error\|Critical\)"' "$work/server.log" | grep -v 'No API keys are configured' | head -3 | cut -c1-300
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
