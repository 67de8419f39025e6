#!/usr/bin/env bash
# Starts the Release server with the geocoder on an Addok data file and runs wrk against /search (rate limits off).
# Usage: bench/load/geocoder-search.sh [data-file] [duration] [connections]
#   data-file defaults to ../shared/data/ban-sample-nc.ndjson.gz (the bundled sample: src/Crossroads.Server/data/geocoder-sample.ndjson.gz)
# INDEX_DIR=dir keeps the index there between runs (the first run imports; later ones open it in seconds): for the
# synthetic national base (bench/Crossroads.Benchmarks generate-ban). QUERIES=file takes the queries from a file
# instead of sampling the data file (which holds every housenumber in memory): request paths one a line, or the
# geocode runner's JSON lines (from bench/Crossroads.Benchmarks/Geocoding/make-queries.py: searches with their
# filters and bias, and reverse queries).
set -euo pipefail
cd "$(dirname "$0")/../.."
data_file=${1:-../shared/data/ban-sample-nc.ndjson.gz}
duration=${2:-20s}
connections=${3:-32}
port=${PORT:-18090}  # PORT=... when another run uses 18090
if [[ -n ${INDEX_DIR:-} ]]; then
  mkdir -p "$INDEX_DIR"
  data=$(realpath "$INDEX_DIR")
  export KEEP_DIR=1
else
  data=$(mktemp -d)
fi
queries=$(mktemp)
if [[ -n ${QUERIES:-} ]]; then
  python3 bench/load/geocoder-query-paths.py "$QUERIES" "$queries"
  echo "$(wc -l < "$queries") queries from $QUERIES"
else
  python3 bench/load/geocoder-queries.py "$data_file" "$queries" 5000
fi
# shellcheck source=bench/load/geocoder-server.sh
source bench/load/geocoder-server.sh
start_geocoder_server "$data_file" "$port" "$data"
pid=$geocoder_pid
warmup=${WARMUP:-5s}  # WARMUP=60s: long enough to fault in the index pages the queries touch (national base)
echo "== warm-up ($warmup)"
wrk -t2 -c"$connections" -d"$warmup" -s bench/load/geocoder-search.lua "http://127.0.0.1:$port" -- "$queries" | tail -2
echo "== /search, $connections connections, $duration"
wrk -t2 -c"$connections" -d"$duration" --latency -s bench/load/geocoder-search.lua "http://127.0.0.1:$port" -- "$queries"
echo "server RSS after load test: $(( $(awk '/VmRSS/{print $2}' /proc/"$pid"/status) / 1024 )) MiB"
