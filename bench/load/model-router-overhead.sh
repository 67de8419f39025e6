#!/usr/bin/env bash
# Model router overhead against an instant upstream (issue #8: ≤ 1 ms p99 added, ≥ 5,000 non-streaming req/s on 2 cores).
# Starts bench/load/FakeLlm (answers precomputed bytes at once) and the Release server with one model in front of it
# (rate limits off, everything else as in production), then, per round, runs wrk alternately straight at the fake
# ("direct") and through the router ("router"), same body (bench/load/model-router-chat.lua, non-streaming):
#   latency:    wrk -t1 -c1 --latency   (one request at a time, so queueing does not hide the per-request cost)
#   throughput: wrk -t2 -c32 --latency  (saturation; wrk, router and fake share the machine's cores)
# Then a paired run (`Crossroads.Benchmarks latency`): one request at a time, direct and router alternating.
# Prints one line per run (req/s, p50, p99, CPU µs per request of the router and of the fake, and how busy the rest of
# the machine was: others_cores = cores used by wrk and unrelated processes, cpu_pressure = PSI "some" avg10), then the added
# latency per round (router − direct, p50 and p99 at -c1) as median and min–max, and the router's req/s at -c32.
# WARMUP (default 20s): before the first round each side gets 5 s of wrk -c32 and then WARMUP of wrk -c1. The tiered
# JIT keeps compiling the router's request path long after start (thousands of methods re-jitted in the first -c1
# seconds after a 5 s -c32 warm-up: the saturated cores starve its background compiler), and those compilations were
# the first round's tail; router lines give jit_methods, the methods the router compiled during that run.
# Usage: [PORT=18190] [FAKE_PORT=18191] [WARMUP=20s] bench/load/model-router-overhead.sh [rounds=5] [duration=10s]
set -uo pipefail
cd "$(dirname "$0")/../.." || exit
rounds=${1:-5}
duration=${2:-10s}
source bench/load/model-router-common.sh
trap 'stop_all; rm -rf "$work"' EXIT
build_all || exit 1
start_fake || exit 1
start_server --RateLimits:Enabled false || exit 1
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
script=bench/load/model-router-chat.lua
url() { [[ $1 == direct ]] && echo "http://127.0.0.1:$fake_port/v1/chat/completions" || echo "http://127.0.0.1:$port/v1/chat/completions"; }
for name in direct router; do   # warm-up: tiered JIT (both shapes' paths), connection pool
  wrk -t2 -c32 -d5s -s "$script" "$(url "$name")" >/dev/null
  wrk -t1 -c1 -d"${WARMUP:-20s}" -s "$script" "$(url "$name")" >/dev/null
done
jit_methods() { curl -s "http://127.0.0.1:$port/metrics" | awk '$1 ~ /^dotnet_jit_compiled_methods_total({})?$/ {v = $2} END {print (v == "" ? 0 : v)}'; }

to_us() { awk '{ v = $1; if (v ~ /us$/) v += 0; else if (v ~ /ms$/) v *= 1000; else if (v ~ /s$/) v *= 1000000; print v }' <<<"$1"; }
results=$work/results.txt
for round in $(seq 1 "$rounds"); do
  # The order flips every round, so a slow moment of the shared machine hits both sides.
  if (( round % 2 )); then order="direct router"; else order="router direct"; fi
  for shape in c1 c32; do
    for name in $order; do
      if [[ $shape == c1 ]]; then args=(-t1 -c1); else args=(-t2 -c32); fi
      j0=$(jit_methods)
      s0=$(cpu_ticks "$server_pid"); f0=$(cpu_ticks "$fake_pid"); m0=$(machine_busy_ticks); t0=$(date +%s.%N)
      out=$(wrk "${args[@]}" -d"$duration" --latency -s "$script" "$(url "$name")")
      s1=$(cpu_ticks "$server_pid"); f1=$(cpu_ticks "$fake_pid"); m1=$(machine_busy_ticks); t1=$(date +%s.%N)
      j1=$(jit_methods)
      # CPU the rest of the machine used meanwhile (wrk and every unrelated process), in cores: at -c1 wrk needs
      # ~0.1-0.2, so much more means other work shared the cores and the tail is theirs as much as the router's.
      others=$(awk -v m="$((m1 - m0 - (s1 - s0) - (f1 - f0)))" -v t0="$t0" -v t1="$t1" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.2f", m / hz / (t1 - t0)}')
      requests=$(awk '/requests in/{print $1}' <<<"$out")
      rps=$(awk '/Requests\/sec/{print $2}' <<<"$out")
      p50=$(to_us "$(awk '$1 == "50%"{print $2}' <<<"$out")")
      p99=$(to_us "$(awk '$1 == "99%"{print $2}' <<<"$out")")
      non2xx=$(awk '/Non-2xx/{print $NF}' <<<"$out")
      cpu() { awk -v a="$1" -v b="$2" -v n="$requests" -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.1f", (b - a) * 1e6 / hz / n}'; }
      printf '%s round=%s shape=%s rps=%s p50_us=%s p99_us=%s non2xx=%s router_cpu_us=%s fake_cpu_us=%s load=%s others_cores=%s cpu_pressure=%s jit_methods=%s\n' \
        "$name" "$round" "$shape" "$rps" "$p50" "$p99" "${non2xx:-0}" "$(cpu "$s0" "$s1")" "$(cpu "$f0" "$f1")" \
        "$(cut -d' ' -f1 /proc/loadavg)" "$others" "$(cpu_pressure)" "$((j1 - j0))" | tee -a "$results"
    done
  done
done
# Non-streaming requests one at a time, alternating direct and router request by request (the same moments of the
# shared machine for both, which two wrk runs cannot give), timing each whole answer.
echo "paired one-at-a-time latency (${LATENCY_REQUESTS:-3000} requests each side, load $(cut -d' ' -f1 /proc/loadavg)):"
dotnet bench/Crossroads.Benchmarks/bin/Release/net10.0/Crossroads.Benchmarks.dll latency \
  "$(url direct)" "$(url router)" "${LATENCY_REQUESTS:-3000}" 300
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
# Per round: router − direct of the same round; then median and min–max over the rounds.
summary() { # summary SHAPE FIELD LABEL
  awk -v shape="$1" -v field="$2" '
    { for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
      if (f["shape"] == shape) v[$1, f["round"]] = f[field] }
    END { for (k in v) { split(k, p, SUBSEP); if (p[1] == "router" && (("direct", p[2]) in v)) print v[k] - v["direct", p[2]] } }' "$results" |
    sort -n | awk -v label="$3" '{ x[NR] = $1 } END { if (NR) printf "%s: median %.0f, min %.0f, max %.0f over %d rounds\n", label, (NR % 2 ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2), x[1], x[NR], NR }'
}
summary c1 p50_us "added p50 at -c1 (µs)"
summary c1 p99_us "added p99 at -c1 (µs)"
summary c32 p99_us "added p99 at -c32 (µs)"
for name in direct router; do
  awk -v n="$name" '$1 == n && /shape=c32/ { split($4, r, "="); print r[2] }' "$results" | sort -n |
    awk -v n="$name" '{ x[NR] = $1 } END { if (NR) printf "%s req/s at -c32: median %.0f, min %.0f, max %.0f\n", n, (NR % 2 ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2), x[1], x[NR] }'
done
awk '$1 == "router" && /shape=c32/ { split($8, c, "="); print c[2] }' "$results" | sort -n |
  awk '{ x[NR] = $1 } END { if (NR) printf "router CPU per request at -c32 (µs): median %.1f, min %.1f, max %.1f (2 cores / median = %.0f req/s if the router had them alone)\n", (NR % 2 ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2), x[1], x[NR], 2e6 / (NR % 2 ? x[(NR + 1) / 2] : (x[NR / 2] + x[NR / 2 + 1]) / 2) }'
