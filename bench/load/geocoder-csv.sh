#!/usr/bin/env bash
# Starts the Release server with the geocoder on an Addok data file, POSTs a generated CSV of N rows to /search/csv
# with curl (as `curl -F data=@file` users do) and reports rows/s per run; the first run includes JIT warm-up.
# Usage: bench/load/geocoder-csv.sh [data-file] [rows] [runs]
#   data-file defaults to ../shared/data/ban-sample-nc.ndjson.gz; rows to 100000; runs to 3. PORT overrides 18091.
# Rows are the /search queries of geocoder-queries.py (exact labels, no city, no accents, prefixes, typos, streets,
# municipalities) as one 'adresse' column, repeated to N rows, plus an id column. INDEX_DIR and QUERIES as in
# geocoder-search.sh (the national base: an index kept between runs, the geocode runner's queries).
set -euo pipefail
cd "$(dirname "$0")/../.."
data_file=${1:-../shared/data/ban-sample-nc.ndjson.gz}
rows=${2:-100000}
runs=${3:-3}
port=${PORT:-18091}
work=$(mktemp -d)
if [[ -n ${INDEX_DIR:-} ]]; then  # as in geocoder-search.sh: an index kept between runs (national base)
  mkdir -p "$INDEX_DIR"
  data=$(realpath "$INDEX_DIR")
  export KEEP_DIR=1
else
  data=$work
fi
if [[ -n ${QUERIES:-} ]]; then  # as in geocoder-search.sh: the geocode runner's queries (reverse ones are skipped)
  python3 bench/load/geocoder-query-paths.py "$QUERIES" "$work/queries.txt"
else
  python3 bench/load/geocoder-queries.py "$data_file" "$work/queries.txt" 5000
fi
python3 - "$work/queries.txt" "$work/input.csv" "$rows" <<'PY'
import csv, sys, urllib.parse
src, out, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
queries = [q[0] for line in open(src, encoding="utf-8") if (q := urllib.parse.parse_qs(urllib.parse.urlsplit(line.strip()).query).get("q"))]
with open(out, "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f)
    w.writerow(["id", "adresse"])
    for i in range(rows):
        w.writerow([i, queries[i % len(queries)]])
PY
echo "input: $rows rows, $(( $(stat -c %s "$work/input.csv") / 1024 )) KiB"
# shellcheck source=bench/load/geocoder-server.sh
source bench/load/geocoder-server.sh
start_geocoder_server "$data_file" "$port" "$data"
pid=$geocoder_pid
for run in $(seq 1 "$runs"); do
  seconds=$(curl -s -o "$work/output.csv" -w '%{time_total}' -F columns=adresse -F "data=@$work/input.csv" "http://127.0.0.1:$port/search/csv")
  lines=$(( $(wc -l < "$work/output.csv") - 1 ))
  python3 - "$rows" "$lines" "$seconds" "$run" "$work/output.csv" <<'PY'
import collections, csv, sys
rows, lines, seconds, run, path = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5]
status = collections.Counter(r["result_status"] for r in csv.DictReader(open(path, encoding="utf-8-sig", newline="")))
print(f"run {run}: {rows} rows in {seconds:.2f} s = {rows / seconds:,.0f} rows/s; {lines} rows back; result_status {dict(status)}")
PY
done
echo "server RSS after the runs: $(( $(awk '/VmRSS/{print $2}' /proc/"$pid"/status) / 1024 )) MiB"
