#!/usr/bin/env bash
# Time to ready: starts the server on a routes file RUNS times per variant, variants alternated (A B A B ...), and
# prints for each start the phases and the time from process start until /health/startup answers 200 (polled with
# curl every 10 ms), then the median and range of each column per variant.
#   listen   Kestrel listening ("Now listening" logged): runtime start, host build, JIT of the chassis
#   parse    gunzip + parse of the routes file   } event 2005 of the routing table module, measured in process
#   build    RIB sort + FIB compile              }
#   replay   journal replay (0 here: each variant keeps its own data directory, and nothing writes)
#   table    the routing table module ready (logged), from process start
#   green    /health/startup 200 seen by curl, from process start (every module ready)
#   cpu      CPU seconds (user + system) the server used until green (100 Hz ticks)
# Each variant gets one start that is not counted first (page cache, its SQLite store created).
# Usage: bench/load/start-time.sh [routes-file] [runs] [variant ...]
#   variant = NAME=DLL[,VAR=VALUE...]   e.g. r2r=/tmp/r2r/Crossroads.Server.dll,DOTNET_TieredPGO=0
#   default: one variant, the Release build of this tree (built first).
set -uo pipefail
cd "$(dirname "$0")/../.."
routes=$(realpath "${1:-../shared/data/routes-full.txt.gz}")
runs=${2:-5}
shift 2 2>/dev/null || shift $#
port=${PORT:-18091}
variants=("$@")
if [[ ${#variants[@]} -eq 0 ]]; then
  dotnet build -c Release src/Crossroads.Server >/dev/null || exit 1
  variants=("current=$PWD/src/Crossroads.Server/bin/Release/net10.0/Crossroads.Server.dll")
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
results=$work/results.tsv
hz=$(getconf CLK_TCK)

run_once() { # run_once INDEX COUNTED: one start of variant INDEX
  local spec=${variants[$1]} name dll envs=() started pid green cpu
  name=${spec%%=*}
  IFS=',' read -r -a parts <<<"${spec#*=}"
  dll=${parts[0]}
  envs=("${parts[@]:1}")
  mkdir -p "$work/data-$1"
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
    echo "port $port is already in use; set PORT" >&2
    exit 1
  fi
  started=$(date +%s%3N)
  env ${envs[@]+"${envs[@]}"} ROUTES_FILE="$routes" DATA_DIR="$work/data-$1" \
    dotnet "$dll" --urls "http://127.0.0.1:$port" >"$work/log" 2>&1 &
  pid=$!
  until curl -fs -o /dev/null "http://127.0.0.1:$port/health/startup"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$name exited before it was ready:" >&2
      tail -5 "$work/log" >&2
      exit 1
    fi
    sleep 0.01
  done
  green=$(date +%s%3N)
  cpu=$(awk -v hz="$hz" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$pid/stat")
  kill -KILL "$pid"
  wait "$pid" 2>/dev/null
  [[ $2 == counted ]] || return 0
  python3 - "$work/log" "$name" "$started" "$green" "$cpu" >>"$results" <<'EOF'
import datetime, json, sys
log, name, started, green, cpu = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
def ms(ts):
    t = datetime.datetime.fromisoformat(ts.replace("Z", "+00:00"))
    return t.timestamp() * 1000 - started
listen = table = None
phases = {}
for line in open(log, encoding="utf-8"):
    try:
        entry = json.loads(line)
    except ValueError:
        continue
    if entry.get("EventId") == 14 and listen is None:
        listen = ms(entry["Timestamp"])
    elif entry.get("EventId") == 2005:
        phases = entry["State"]
    elif entry.get("EventId") == 1019 and entry["State"].get("Module") == "RoutingTable":
        table = ms(entry["Timestamp"])
def s(value):
    return "-" if value is None else f"{float(value) / 1000:.3f}"
print("\t".join([name, s(listen), phases.get("Parse", "-"), phases.get("Build", "-"), phases.get("Replay", "-"), s(table), s(green - started), cpu]))
EOF
}

for i in "${!variants[@]}"; do run_once "$i" warmup; done
for round in $(seq 1 "$runs"); do
  for i in "${!variants[@]}"; do
    run_once "$i" counted
    tail -1 "$results" | awk -v r="$round" -F'\t' '{printf "run %d %-10s listen %s  parse %s  build %s  replay %s  table %s  green %s s  cpu %s s\n", r, $1, $2, $3, $4, $5, $6, $7, $8}'
  done
done

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores; other work on the machine shows here)"
python3 - "$results" <<'EOF'
import statistics, sys
columns = ["listen", "parse", "build", "replay", "table", "green", "cpu"]
rows = {}
for line in open(sys.argv[1], encoding="utf-8"):
    name, *values = line.rstrip("\n").split("\t")
    rows.setdefault(name, []).append(values)
for name, values in rows.items():
    cells = []
    for c, column in enumerate(columns):
        numbers = [float(v[c]) for v in values if v[c] != "-"]
        if numbers:
            cells.append(f"{column} {statistics.median(numbers):.3f} ({min(numbers):.3f}-{max(numbers):.3f})")
    print(f"median of {len(values)} {name}: " + "  ".join(cells))
EOF
