#!/usr/bin/env bash
# Starts the Release server on the full shared table and runs wrk against it.
# Usage: bench/load/run-http.sh [routes-file] [duration]
set -euo pipefail
cd "$(dirname "$0")/../.."
routes=${1:-../shared/data/routes-full.txt.gz}
duration=${2:-20s}
port=18080
data=$(mktemp -d)
dotnet build -c Release src/Crossroads.Server >/dev/null
ROUTES_FILE="$routes" DATA_DIR="$data" RateLimits__Enabled=false Logging__LogLevel__Default=Warning \
  dotnet src/Crossroads.Server/bin/Release/net10.0/Crossroads.Server.dll --urls "http://127.0.0.1:$port" &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$data"' EXIT
until curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null; do sleep 0.2; done
echo "server RSS after load: $(( $(awk '/VmRSS/{print $2}' /proc/$pid/status) / 1024 )) MiB"
for script in random-lookups mixed-lookups; do
  echo "== $script"
  wrk -t2 -c64 -d"$duration" --latency -s "bench/load/$script.lua" "http://127.0.0.1:$port"
done
if [[ $routes == *routes-full* ]]; then
  echo "== metric-updates (each one fsync'd to the journal before its 200)"
  wrk -t1 -c4 -d"$duration" --latency -s bench/load/metric-updates.lua "http://127.0.0.1:$port"
fi
echo "server RSS after load test: $(( $(awk '/VmRSS/{print $2}' /proc/$pid/status) / 1024 )) MiB"
