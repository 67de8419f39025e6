#!/usr/bin/env bash
# Crossroads (quick mode) against DPDK rte_lpm/rte_lpm6 (lpm-bench), alternated A/B/A/B in one run on the same
# address file, then per workload: each engine's median and the ratio ours/rte_lpm of each pair (median, min-max).
#
#   bench/dpdk/compare.sh ROUTES_FILE [PAIRS=5] [SECONDS=1]
#
# CLOCK=cpu (default) times the passes in thread CPU time in both engines, CLOCK=wall in wall time.
# EAL="--no-huge --no-pci -m 2048" by default: no reserved hugepages on these machines. PAGES=4k (default) keeps both
# engines' tables on 4 KiB pages; PAGES=2m puts both on 2 MiB transparent huge pages (lpm-bench --thp, ours
# --huge-pages), as DPDK normally runs rte_lpm on hugepages.
# OUT=dir keeps the JSON lines (default: a temporary folder).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
routes="$(realpath "${1:?usage: compare.sh ROUTES_FILE [PAIRS] [SECONDS]}")"
pairs="${2:-5}"
seconds="${3:-1}"
clock="${CLOCK:-cpu}"
eal="${EAL:---no-huge --no-pci -m 2048}"
case "${PAGES:-4k}" in
    2m) lpm_pages=(--thp); our_pages=(--huge-pages) ;;
    4k) lpm_pages=(); our_pages=() ;;
    *) echo "PAGES must be 2m or 4k" >&2; exit 2 ;;
esac
out="${OUT:-$(mktemp -d)}"
mkdir -p "$out"

[[ -x "$here/lpm-bench" && "$here/lpm-bench" -nt "$here/lpm-bench.c" ]] || "$here/build.sh"
if [[ -z "${SKIP_BUILD:-}" ]]; then
    dotnet build -c Release "$repo/bench/Crossroads.Benchmarks" -v q -nologo | grep -E "error|Warn|Elapsed" || true
fi
ours=(dotnet "$repo/bench/Crossroads.Benchmarks/bin/Release/net10.0/Crossroads.Benchmarks.dll" quick --routes "$routes")

addresses="$out/addresses.bin"
if [[ ! -f "$addresses" ]]; then
    echo "writing the address file $addresses" >&2
    "${ours[@]}" --seconds 0.1 --write-addresses "$addresses" > /dev/null
fi

# Both engines load once and stay up (--serve: one round per line on stdin); rounds then alternate A/B/A/B, one
# engine running at a time. Each engine's first round (right after its load) is a warm-up and left out.
rm -f "$out/ours.in" "$out/dpdk.in"
mkfifo "$out/ours.in" "$out/dpdk.in"
wait_lines() { # file count pid
    while [[ ! -f "$1" || $(wc -l < "$1") -lt "$2" ]]; do
        kill -0 "$3" 2>/dev/null || { echo "engine $3 exited early; see $1" >&2; exit 1; }
        sleep 0.2
    done
}
echo "loading rte_lpm" >&2
# shellcheck disable=SC2086 # EAL is a list of arguments
"$here/lpm-bench" $eal --log-level=error -- --routes "$routes" --addresses "$addresses" --seconds "$seconds" --clock "$clock" "${lpm_pages[@]}" \
    --serve < "$out/dpdk.in" > "$out/dpdk.jsonl" &
dpdk_pid=$!
exec 4> "$out/dpdk.in"
wait_lines "$out/dpdk.jsonl" 1 "$dpdk_pid"
echo "loading crossroads" >&2
# 4>&-: our engine must not hold rte_lpm's input open, or rte_lpm would not see it end.
"${ours[@]}" --seconds "$seconds" --addresses "$addresses" --clock "$clock" "${our_pages[@]}" --serve < "$out/ours.in" > "$out/ours.jsonl" 4>&- &
ours_pid=$!
exec 3> "$out/ours.in"
wait_lines "$out/ours.jsonl" 1 "$ours_pid"
for ((i = 1; i <= pairs; i++)); do
    echo "pair $i/$pairs" >&2
    echo go >&3
    wait_lines "$out/ours.jsonl" $((i + 1)) "$ours_pid"
    echo go >&4
    wait_lines "$out/dpdk.jsonl" $((i + 1)) "$dpdk_pid"
done
exec 3>&- 4>&-
wait "$ours_pid" "$dpdk_pid"

python3 - "$out/ours.jsonl" "$out/dpdk.jsonl" "$clock" <<'PY'
import json, statistics, sys
ours = [json.loads(l) for l in open(sys.argv[1])][1:]  # without the warm-up round
dpdk = [json.loads(l) for l in open(sys.argv[2])][1:]
keys = ["ipv4_random_lookups_per_sec", "ipv4_inside_lookups_per_sec", "ipv6_inside_lookups_per_sec",
        "ipv4_random_bulk_lookups_per_sec", "ipv4_inside_bulk_lookups_per_sec", "ipv6_inside_bulk_lookups_per_sec"]
print(f"{len(ours)} alternated pairs, clock={sys.argv[3]}; M lookups/s median (min-max); ratio ours/rte_lpm per pair")
print(f"{'workload':34} {'crossroads':>22} {'rte_lpm':>22} {'ratio':>20}")
for k in keys:
    a = [o[k] / 1e6 for o in ours]
    b = [d[k] / 1e6 for d in dpdk]
    r = [x / y for x, y in zip(a, b)]
    f = lambda v: f"{statistics.median(v):.1f} ({min(v):.1f}-{max(v):.1f})"
    print(f"{k:34} {f(a):>22} {f(b):>22} {statistics.median(r):>7.2f} ({min(r):.2f}-{max(r):.2f})")
print(f"RSS after the runs, MiB: crossroads {statistics.median(o['working_set_bytes'] for o in ours) / 2**20:.0f}, "
      f"rte_lpm {statistics.median(d['working_set_bytes'] for d in dpdk) / 2**20:.0f}")
PY
