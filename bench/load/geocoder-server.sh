# shellcheck shell=bash
# Sourced by the geocoder load scripts (geocoder-search.sh, geocoder-csv.sh), from the repository root.
# start_geocoder_server DATA_FILE PORT DIR: builds the Release server, starts it with the geocoder on DATA_FILE
# (DATA_DIR=DIR, rate limits off, warnings only, probe logs off) on 127.0.0.1:PORT, waits until ready and prints the
# readiness line and RSS. Sets $geocoder_pid and an EXIT trap that stops the server and removes DIR (KEEP_DIR=1 keeps
# it: an index directory reused across runs, so a national-sized base is imported once).
start_geocoder_server() {
  local data_file=$1 port=$2 dir=$3 remove
  dotnet build -c Release src/Crossroads.Server >/dev/null
  local started
  started=$(date +%s.%N)
  # env: a variable name with dots is no shell assignment.
  env GEOCODER_DATA="$data_file" DATA_DIR="$dir" RateLimits__Enabled=false Logging__LogLevel__Default=Warning \
    Logging__LogLevel__Microsoft.Extensions.Diagnostics.HealthChecks=None \
    dotnet src/Crossroads.Server/bin/Release/net10.0/Crossroads.Server.dll --urls "http://127.0.0.1:$port" &
  geocoder_pid=$!
  remove="rm -rf '$dir'"
  [[ -n ${KEEP_DIR:-} ]] && remove=true
  # shellcheck disable=SC2064 # expand now: the values of this call
  trap "kill $geocoder_pid 2>/dev/null; $remove" EXIT
  until curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null; do
    kill -0 "$geocoder_pid" 2>/dev/null || { echo "the server exited before it was ready" >&2; return 1; }
    sleep 0.05
  done
  echo "process start to /health/ready 200: $(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$started" "$(date +%s.%N)") s"
  curl -s "http://127.0.0.1:$port/health/ready" | python3 -c 'import json,sys; print("ready:", json.load(sys.stdin)["checks"]["Geocoder"]["description"])'
  echo "server RSS after load: $(( $(awk '/VmRSS/{print $2}' /proc/$geocoder_pid/status) / 1024 )) MiB"
}
