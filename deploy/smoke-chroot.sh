#!/usr/bin/env bash
# `cond && pass .. || fail ..` is fine here: pass only prints and cannot fail.
# shellcheck disable=SC2015
# Smoke-test a built image WITHOUT a container runtime (for hosts where podman/docker cannot start
# containers, like the machine these files were written on). Root only.
#
#   sudo deploy/smoke-chroot.sh [IMAGE]          # default localhost/crossroads:dev
#   sudo SMOKE_ROUTES=/srv/routes-full.txt.gz deploy/smoke-chroot.sh   # with a real table (mounted read-only)
#
# It mounts the image's filesystem READ-ONLY, adds a tmpfs at /tmp and an empty writable /data (what
# compose and Kubernetes provide), then chroots into it as the image's USER with exactly the image's
# ENV and ENTRYPOINT, and checks: the server starts, /health/live, /metrics, readiness turns 200 once
# the table is loaded (time and RSS reported), a lookup, a write journaled to /data, the image's
# HEALTHCHECK command, SIGTERM -> readiness 503 while still serving during the drain delay -> exit
# code 0, and an invalid setting -> exit code 2.
#
# NOT a container: no namespaces, cgroups (memory limit), seccomp or capability drop, and the host
# network is shared (SMOKE_PORT must be free). It proves the image contents and the read-only layout,
# not the runtime isolation.
set -euo pipefail

IMAGE=${1:-${IMAGE:-localhost/crossroads:dev}}
PORT=${SMOKE_PORT:-18080}
DRAIN=${SMOKE_DRAIN_SECONDS:-3}
READY_TIMEOUT=${SMOKE_READY_TIMEOUT:-60}
ROUTES=${SMOKE_ROUTES:-}
SMOKE_ENV=()
[[ $(id -u) -eq 0 ]] || { echo "run as root" >&2; exit 2; }

failures=0
pass() { printf '    ok: %s\n' "$*"; }
fail() { printf '    FAILED: %s\n' "$*" >&2; failures=$((failures + 1)); }

work=$(mktemp -d /var/tmp/crossroads-smoke.XXXXXX)
root=$work/root data=$work/data log=$work/server.log
mkdir "$root" "$data"
ctr="" server_pid=""
cleanup() {
  if [[ -n $server_pid ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  umount -R "$root" 2>/dev/null || true
  # Never rm -r a tree that may still have /proc or /dev bound into it.
  if rmdir "$root" 2>/dev/null; then rm -rf "$data" "$log" "$work.bad"; rmdir "$work" 2>/dev/null || true
  else echo "warning: $root still mounted, left in place" >&2; fi
  if [[ -n $ctr ]]; then podman umount "$ctr" >/dev/null 2>&1 || true; podman rm -v "$ctr" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

echo "==> image $IMAGE"
ctr=$(podman create "$IMAGE")
mnt=$(podman mount "$ctr")
# The container's anonymous /data volume is not used; our own empty dir stands in for the volume.
config=$(podman image inspect "$IMAGE" --format '{{json .Config}}')
mapfile -t envs < <(printf '%s' "$config" | python3 -c 'import json,sys; print("\n".join(json.load(sys.stdin).get("Env") or []))')
user=$(printf '%s' "$config" | python3 -c 'import json,sys; print(json.load(sys.stdin).get("User") or "0")')
mapfile -t entrypoint < <(printf '%s' "$config" | python3 -c 'import json,sys; print("\n".join(json.load(sys.stdin)["Entrypoint"]))')
mapfile -t healthcheck < <(podman image inspect "$IMAGE" --format '{{json .HealthCheck}}' \
  | python3 -c 'import json,sys; t=(json.load(sys.stdin) or {}).get("Test") or []; print("\n".join(t[1:] if t[:1]==["CMD"] else []))')
echo "    user=$user entrypoint=${entrypoint[*]} healthcheck=${healthcheck[*]:-(none)}"

data_owner=$(stat -c %u:%g "$mnt/data")
chown "$data_owner" "$data"
mount --bind "$mnt" "$root"
mount -o remount,bind,ro "$root"
mount -t tmpfs -o size=64m,mode=1777 tmpfs "$root/tmp"
mount --bind "$data" "$root/data"
mount --rbind /proc "$root/proc"
mount --rbind /dev "$root/dev"
if [[ -n $ROUTES ]]; then
  # The image root is read-only, so the table's directory is bound under the /tmp tmpfs.
  mkdir "$root/tmp/routes"
  mount --bind "$(dirname "$(realpath "$ROUTES")")" "$root/tmp/routes"
  mount -o remount,bind,ro "$root/tmp/routes"
  SMOKE_ENV+=(ROUTES_FILE="/tmp/routes/$(basename "$ROUTES")")
  echo "    routes: $ROUTES -> ${SMOKE_ENV[0]}"
fi
if touch "$root/probe-write" 2>/dev/null; then fail "root filesystem is writable"; else pass "root filesystem mounted read-only"; fi

in_image() { env -i "${envs[@]}" ASPNETCORE_HTTP_PORTS="$PORT" "$@"; }
status() { curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://127.0.0.1:$PORT$1" || true; }

echo "==> start (read-only root, tmpfs /tmp, writable /data, UID $user)"
# Not through in_image: a backgrounded function is a subshell, and SIGTERM must reach the server itself.
# env and chroot both exec, so $! is the server's PID.
env -i "${envs[@]}" ASPNETCORE_HTTP_PORTS="$PORT" Shutdown__DrainDelaySeconds="$DRAIN" "${SMOKE_ENV[@]}" \
  chroot --userspec="$user" "$root" "${entrypoint[@]}" >"$log" 2>&1 &
server_pid=$!
for _ in $(seq 1 60); do
  [[ $(status /health/live) == 200 ]] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.5
done
if [[ $(status /health/live) == 200 ]]; then pass "/health/live 200"; else fail "server not live"; cat "$log" >&2; exit 1; fi
[[ $(status /livez) == 200 ]] && pass "/livez 200" || fail "/livez"
metrics=$(curl -s --max-time 3 "http://127.0.0.1:$PORT/metrics" || true)
grep -q '^# TYPE' <<<"$metrics" && pass "/metrics serves Prometheus text ($(grep -c '^# TYPE' <<<"$metrics") families)" || fail "/metrics"
started=$(date +%s.%N)
for _ in $(seq 1 $((READY_TIMEOUT * 5))); do
  [[ $(status /health/ready) == 200 ]] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.2
done
ready=$(status /health/ready); startup=$(status /health/startup)
if [[ $ready == 200 && $startup == 200 ]]; then
  rss_kb=$(ps -o rss= -p "$server_pid" | tr -d ' ')
  pass "ready (/health/ready and /health/startup 200) $(python3 -c "import time; print(round(time.time() - $started, 1))")s after live; RSS $((rss_kb / 1024)) MiB"
else
  fail "not ready after ${READY_TIMEOUT}s: /health/ready $ready, /health/startup $startup"; tail -5 "$log" >&2
fi
[[ $(status /readyz) == "$ready" ]] && pass "/readyz agrees" || fail "/readyz differs from /health/ready"
lookup=$(curl -s --max-time 3 "http://127.0.0.1:$PORT/destination/1.2.3.4" || true)
[[ -n $lookup && $(status /destination/1.2.3.4) == 200 ]] && pass "lookup /destination/1.2.3.4: $lookup" || fail "lookup"
# Writes are allowed from loopback without a key (the chroot shares the host network).
write=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X PUT "http://127.0.0.1:$PORT/prefix/1.0.0.0/8/nh/192.168.1.1/metric/7" || true)
journal=$(find "$data" -name '*.journal' -size +0 | head -1)
[[ $write == 200 && -n $journal ]] && pass "write 200, journaled to /data/${journal##*/} ($(stat -c %s "$journal") bytes, owner $(stat -c %u "$journal"))" \
  || fail "write -> $write, journal '${journal:-none}' (routes without 1.0.0.0/8 via 192.168.1.1 answer 404)"
if ((${#healthcheck[@]})); then
  if in_image chroot --userspec="$user" "$root" "${healthcheck[@]}"; then hc=0; else hc=$?; fi
  if { [[ $ready == 200 ]] && ((hc == 0)); } || { [[ $ready != 200 ]] && ((hc == 1)); }; then
    pass "HEALTHCHECK command exit $hc matches readiness $ready"
  else
    fail "HEALTHCHECK command exit $hc but readiness $ready"
  fi
  if in_image HEALTHCHECK_URL="http://127.0.0.1:$PORT/health/live" chroot --userspec="$user" "$root" "${healthcheck[@]}" >/dev/null; then
    pass "HEALTHCHECK command against /health/live exits 0"
  else
    fail "HEALTHCHECK command against /health/live"
  fi
fi

echo "==> SIGTERM (drain delay ${DRAIN}s)"
start=$(date +%s.%N)
kill -TERM "$server_pid"
sleep 1
during_ready=$(status /health/ready); during_live=$(status /health/live)
[[ $during_ready == 503 ]] && pass "readiness 503 while draining" || fail "readiness $during_ready while draining"
[[ $during_live == 200 ]] && pass "still serving (/health/live 200) while draining" || fail "/health/live $during_live while draining"
if wait "$server_pid"; then code=0; else code=$?; fi
server_pid=""
elapsed=$(python3 -c "import time; print(round(time.time() - $start, 1))")
((code == 0)) && pass "exit code 0 after ${elapsed}s" || fail "exit code $code after ${elapsed}s"
python3 -c "import sys; sys.exit(0 if $elapsed >= $DRAIN else 1)" && pass "stayed up for the drain delay" || fail "exited before the drain delay"
echo "    left in /tmp: $(find "$root/tmp" -mindepth 1 -not -path "$root/tmp/routes*" | wc -l) files; in /data: $(find "$data" -mindepth 1 -printf '%f ' )"
echo "    last log lines:"; tail -3 "$log" | cut -c1-200 | sed 's/^/      /'

echo "==> invalid setting"
if in_image Auth__ApiKeys__0__Name=x Auth__ApiKeys__0__Sha256=CHANGE-ME chroot --userspec="$user" "$root" "${entrypoint[@]}" >"$work.bad" 2>&1; then code=0; else code=$?; fi
if ((code == 2)); then
  pass "exit code 2: $(tail -1 "$work.bad")"
elif ((code != 0)); then
  # The chassis' CrossroadsHost.RunAsync maps invalid settings to exit code 2 and one stderr line; a
  # Program that bypasses it crashes with an unhandled exception instead (134 = SIGABRT).
  printf '    WARNING: refused to start, but with exit code %s instead of 2: %s\n' "$code" "$(head -1 "$work.bad")"
else
  fail "started with an invalid API key hash"
fi

echo
if ((failures)); then echo "smoke: $failures check(s) FAILED" >&2; exit 1; fi
echo "smoke: all checks passed"
