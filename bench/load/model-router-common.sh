# shellcheck shell=bash
# Sourced by bench/load/model-router-*.sh: builds and starts the instant fake upstream (bench/load/FakeLlm) and the
# Release server with one upstream model ("fake-model", kind openai) pointing at it.
# Sets $port (PORT, default 18190), $fake_port (FAKE_PORT, 18191) and $work (a scratch directory) unless the caller did;
# start_fake and start_server set $fake_pid and $server_pid. SERVER_OPTIONS (e.g. "--Transport:InlineScheduling true")
# is appended to every start_server's options; SERVER_ENV (e.g. "DOTNET_GCgen0size=1000000") is added to its
# environment; SERVER_DIR runs another build's Crossroads.Server.dll (e.g. a copy of main's bin/Release/net10.0, to
# compare builds with the same script), default this checkout's Release build.

port=${port:-${PORT:-18190}}
fake_port=${fake_port:-${FAKE_PORT:-18191}}
work=${work:-$(mktemp -d)}
server_dll="$(realpath -m "${SERVER_DIR:-src/Crossroads.Server/bin/Release/net10.0}")/Crossroads.Server.dll"

build_all() {
  dotnet build -c Release src/Crossroads.Server >/dev/null || return 1
  dotnet build -c Release bench/load/FakeLlm >/dev/null || return 1
  dotnet build -c Release bench/Crossroads.Benchmarks >/dev/null || return 1
}

wait_up() { # wait_up PID URL NAME
  for _ in $(seq 1 600); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
      -d '{"model":"fake-model","messages":[{"role":"user","content":"hi"}]}' "$2")
    [[ $code == 200 ]] && return 0
    kill -0 "$1" 2>/dev/null || break
    sleep 0.2
  done
  echo "$3 did not start; see $work/$3.log" >&2
  return 1
}

port_free() { # another process on the port would answer in place of ours
  if curl -s -o /dev/null "http://127.0.0.1:$1/"; then
    echo "port $1 is already in use; set PORT / FAKE_PORT" >&2
    return 1
  fi
}

start_fake() { # start_fake [FakeLlm options...]
  port_free "$fake_port" || return 1
  # Inline socket completions: with the fake's inline scheduling, its answer is written on the socket thread that read
  # the request, without a thread-pool wake-up (see FakeLlm/Program.cs).
  (cd "$work" && DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 exec dotnet "$OLDPWD/bench/load/FakeLlm/bin/Release/net10.0/FakeLlm.dll" --urls "http://127.0.0.1:$fake_port" "$@") >"$work/fake.log" 2>&1 &
  fake_pid=$!
  wait_up "$fake_pid" "http://127.0.0.1:$fake_port/v1/chat/completions" fake
}

# launch_server DIR NAME PORT "VAR=VALUE ..." [server options...]: runs DIR/Crossroads.Server.dll in $work/NAME (log
# $work/NAME.log) with the fake as its only upstream and model, every module composed, JSON logs (Production); sets
# launched_pid. The one place that knows the router's configuration for these scripts.
launch_server() {
  local dir name=$2 p=$3 env_extra
  dir=$(realpath "$1")   # the server runs in $work/NAME
  read -ra env_extra <<<"$4"
  shift 4
  mkdir -p "$work/$name/data"
  (cd "$work/$name" && exec env "${env_extra[@]}" DATA_DIR="$work/$name/data" \
    ModelRouter__Upstreams__0__Id=fake ModelRouter__Upstreams__0__Kind=openai \
    ModelRouter__Upstreams__0__BaseUrl="http://127.0.0.1:$fake_port/v1" \
    ModelRouter__Models__0__Id=fake-model ModelRouter__Models__0__Upstream=fake ModelRouter__Models__0__UpstreamModel=fake-model \
    ModelRouter__Models__0__InputPricePerMTok=1 ModelRouter__Models__0__OutputPricePerMTok=2 \
    dotnet "$dir/Crossroads.Server.dll" --urls "http://127.0.0.1:$p" "$@") >"$work/$name.log" 2>&1 &
  launched_pid=$!
}

start_server() { # start_server [server options...]: the build of SERVER_DIR (default this tree's) on $port, SERVER_ENV and SERVER_OPTIONS added
  port_free "$port" || return 1
  local extra
  read -ra extra <<<"${SERVER_OPTIONS:-}"
  launch_server "$(dirname "$server_dll")" server "$port" "${SERVER_ENV:-}" "$@" "${extra[@]}"
  server_pid=$launched_pid
  wait_up "$server_pid" "http://127.0.0.1:$port/v1/chat/completions" server
}

stop_all() {
  for p in ${server_pid:-} ${fake_pid:-}; do kill "$p" 2>/dev/null; done
  for p in ${server_pid:-} ${fake_pid:-}; do wait "$p" 2>/dev/null; done
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # user + system clock ticks of a process
machine_busy_ticks() { awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }   # all CPUs: busy clock ticks
# Share of the time some runnable task waited for a CPU over the last 10 s (Linux PSI; "-" where unavailable): near 0 on
# a machine the benchmark has to itself, near 100 when other work competes for the cores.
cpu_pressure() { awk -F'avg10=' '/^some/ { split($2, a, " "); print a[1]; found = 1 } END { if (!found) print "-" }' /proc/pressure/cpu 2>/dev/null || echo -; }
