#!/usr/bin/env bash
# Starts the Release server with the geocoder on an Addok data file and runs wrk against /search (rate limits off).
# Usage: bench/load/geocoder-search.sh [data-file] [duration] [connections]
#   data-file defaults to ../shared/data/ban-sample-nc.ndjson.gz (the bundled sample: src/Crossroads.Server/data/geocoder-sample.ndjson.gz)
set -euo pipefail
cd "$(dirname "$0")/../.."
data_file=${1:-../shared/data/ban-sample-nc.ndjson.gz}
duration=${2:-20s}
connections=${3:-32}
port=${PORT:-18090}  # PORT=... when another run uses 18090
data=$(mktemp -d)
queries="$data/queries.txt"
python3 bench/load/geocoder-queries.py "$data_file" "$queries" 5000
source bench/load/geocoder-server.sh
start_geocoder_server "$data_file" "$port" "$data"
pid=$geocoder_pid
echo "== warm-up (5 s)"
wrk -t2 -c"$connections" -d5s -s bench/load/geocoder-search.lua "http://127.0.0.1:$port" -- "$queries" | tail -2
echo "== /search, $connections connections, $duration"
wrk -t2 -c"$connections" -d"$duration" --latency -s bench/load/geocoder-search.lua "http://127.0.0.1:$port" -- "$queries"
echo "server RSS after load test: $(( $(awk '/VmRSS/{print $2}' /proc/$pid/status) / 1024 )) MiB"
