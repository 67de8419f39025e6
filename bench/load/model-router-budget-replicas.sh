#!/usr/bin/env bash
# A busy tenant with a USD budget behind two router replicas sharing PostgreSQL (issue #8: budgets shared by replicas;
# Debian's postgresql as a temporary cluster with fsync and synchronous commit on, as the postgres user when run as root).
# Every request is billed to the default tenant, whose budget is far above what the run spends. Per round, with budget
# leases (the default) and without (`BudgetLeases:Enabled=false`: two store transactions per request), order flipped
# each round: both replicas restarted in that mode, a short warm-up, then two wrk -t1 -c16 (one per replica) at once
# for DURATION against the instant fake upstream (bench/load/FakeLlm). Prints each run's total req/s and each wrk's
# p50/p99, then the median ratio leased ÷ direct. wrk, both replicas, the fake and PostgreSQL share the machine's cores.
# Usage: [PORT=18600] [FAKE_PORT=18602] bench/load/model-router-budget-replicas.sh [rounds=3] [duration=8s]
set -uo pipefail
cd "$(dirname "$0")/../.." || exit
rounds=${1:-3}
duration=${2:-8s}
port=${PORT:-18600}
fake_port=${FAKE_PORT:-18602}
pg_port=$((port + 3))
source bench/load/model-router-common.sh
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
chmod 755 "$work"
as_pg=(); [[ $(id -u) == 0 ]] && as_pg=(runuser -u postgres --)
pg=$work/pg
mkdir -p "$pg" && chown postgres "$pg" 2>/dev/null
replica_pids=()
stop_replicas() { for p in "${replica_pids[@]}"; do kill "$p" 2>/dev/null; done; for p in "${replica_pids[@]}"; do wait "$p" 2>/dev/null; done; replica_pids=(); }
cleanup() { stop_replicas; stop_all; "${as_pg[@]}" "$bin/pg_ctl" stop -D "$pg/data" -m fast >/dev/null 2>&1; rm -rf "$work"; }
trap cleanup EXIT
build_all || exit 1
"${as_pg[@]}" "$bin/initdb" -D "$pg/data" -U postgres --auth=trust >/dev/null || exit 1
"${as_pg[@]}" "$bin/pg_ctl" start -D "$pg/data" -l "$pg/log" -w -o "-p $pg_port -k $pg -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on" >/dev/null || exit 1
"${as_pg[@]}" "$bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres crossroads || exit 1
start_fake || exit 1
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
script=bench/load/model-router-chat.lua

start_replicas() { # start_replicas true|false
  local i
  for i in 0 1; do
    launch_server "$(dirname "$server_dll")" "replica$i-$1" $((port + i)) "" --RateLimits:Enabled false \
      --ConnectionStrings:Crossroads "Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=crossroads" \
      --ModelRouter:Tenants:0:Id default --ModelRouter:Tenants:0:BudgetUsd 1000000000 --ModelRouter:BudgetLeases:Enabled "$1"
    replica_pids+=("$launched_pid")
    wait_up "$launched_pid" "http://127.0.0.1:$((port + i))/v1/chat/completions" "replica$i-$1" || return 1
  done
  local w=()
  for i in 0 1; do wrk -t1 -c16 -d3s -s "$script" "http://127.0.0.1:$((port + i))/v1/chat/completions" >/dev/null & w+=($!); done
  wait "${w[@]}"   # not a bare wait: the replicas and the fake are children too
}

to_us() { awk '{ v = $1; if (v ~ /us$/) v += 0; else if (v ~ /ms$/) v *= 1000; else if (v ~ /s$/) v *= 1000000; print v }' <<<"$1"; }
results=$work/results.txt
for round in $(seq 1 "$rounds"); do
  if (( round % 2 )); then order="true false"; else order="false true"; fi
  for leases in $order; do
    start_replicas "$leases" || exit 1
    w=()
    for i in 0 1; do wrk -t1 -c16 -d"$duration" --latency -s "$script" "http://127.0.0.1:$((port + i))/v1/chat/completions" >"$work/wrk$i.txt" & w+=($!); done
    wait "${w[@]}"
    total=0; line="leases=$leases round=$round"
    for i in 0 1; do
      rps=$(awk '/Requests\/sec/{print $2}' "$work/wrk$i.txt")
      p50=$(to_us "$(awk '$1 == "50%" {print $2}' "$work/wrk$i.txt")"); p99=$(to_us "$(awk '$1 == "99%" {print $2}' "$work/wrk$i.txt")")
      non2xx=$(awk '/Non-2xx/{print $NF}' "$work/wrk$i.txt")
      total=$(awk -v a="$total" -v b="$rps" 'BEGIN{print a + b}')
      line="$line replica$i: rps=$rps p50_us=$p50 p99_us=$p99 non2xx=${non2xx:-0}"
    done
    echo "$line total_rps=$total load=$(cut -d' ' -f1 /proc/loadavg)"
    echo "$leases $round $total" >>"$results"
    stop_replicas
  done
done
python3 - "$results" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
by = {(r[1], r[0]): float(r[2]) for r in rows}
ratios = sorted(by[(k, "true")] / by[(k, "false")] for k in {r[1] for r in rows} if (k, "true") in by and (k, "false") in by)
print(f"leased / direct total req/s: median {statistics.median(ratios):.2f}x, min {ratios[0]:.2f}x, max {ratios[-1]:.2f}x over {len(ratios)} rounds")
PY
