#!/usr/bin/env bash
# Server RSS on the full table: for each run, starts the Release server (every module on, defaults) twice, once with
# the runtime's default first generation and once with DOTNET_GCgen0size=0x1000000 (the container image's setting),
# alternated, and prints each one's RSS 5 s after /health/startup turned green and after 10 s of wrk -t2 -c32 random
# IPv4 lookups, with the lookup rate of that run. The README's "Server RSS" row comes from here.
# Usage: [PORT=18640] bench/load/server-rss.sh [routes-file] [runs]
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
routes=$(realpath "${1:-../shared/data/routes-full.txt.gz}")
runs=${2:-3}
port=${PORT:-18640}
dotnet build -c Release src/Crossroads.Server >/dev/null || exit 1
dll=$PWD/src/Crossroads.Server/bin/Release/net10.0/Crossroads.Server.dll
lua=$PWD/bench/load/random-lookups.lua
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rss_mib() { echo $(( $(awk '/VmRSS/{print $2}' "/proc/$1/status") / 1024 )); }
measure() { # measure NAME [VAR=VALUE...]
  local name=$1 data pid idle loaded rate
  shift
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
    echo "port $port is already in use; set PORT" >&2
    return 1
  fi
  data=$(mktemp -d -p "$work")
  (cd "$data" && exec env "$@" ROUTES_FILE="$routes" DATA_DIR="$data" dotnet "$dll" --urls "http://127.0.0.1:$port") >"$data/log" 2>&1 &
  pid=$!
  for _ in $(seq 1 240); do
    curl -sf -o /dev/null "http://127.0.0.1:$port/health/startup" && break
    sleep 0.25
  done
  sleep 5
  idle=$(rss_mib "$pid")
  rate=$(wrk -t2 -c32 -d10s -s "$lua" "http://127.0.0.1:$port" | awk '/Requests\/sec/{print $2}')
  loaded=$(rss_mib "$pid")
  kill "$pid"
  wait "$pid" 2>/dev/null
  echo "$name idle_rss_mib=$idle loaded_rss_mib=$loaded lookups_per_s=$rate"
}
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
for run in $(seq 1 "$runs"); do
  if (( run % 2 )); then
    measure default X_UNSET=1
    measure gen0-16MiB DOTNET_GCgen0size=0x1000000
  else
    measure gen0-16MiB DOTNET_GCgen0size=0x1000000
    measure default X_UNSET=1
  fi
done
