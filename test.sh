#!/usr/bin/env bash
# Runs the whole test suite. Installs what the tests need on a fresh Debian machine (as root):
# promtool (package prometheus) validates /metrics output; yamllint checks the deployment manifests; the database
# tests start PostgreSQL servers of their own (package postgresql; see tests/Crossroads.Testing/PostgresServer.cs) on
# free ports, so the cluster the package may create and start on 5432 is never used. The event relay tests likewise start
# private RabbitMQ nodes (package rabbitmq-server; see tests/Crossroads.Testing/RabbitMqServer.cs) with their own epmd,
# ports and Erlang cookie, never the system node.
set -euo pipefail
cd "$(dirname "$0")"

need=()
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
command -v yamllint >/dev/null 2>&1 || need+=(yamllint)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || need+=(postgresql)
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] && [ -x /usr/bin/epmd ] || need+=(rabbitmq-server)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing: ${need[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "missing: ${need[*]} (sudo apt-get install ${need[*]})" >&2
    exit 1
  fi
fi

# Deployment manifests: lint, render and cross-check (offline; see deploy/README.md).
if command -v kubectl >/dev/null 2>&1; then
  deploy/verify.sh
else
  echo "deploy/verify.sh skipped: kubectl not installed (it renders the kustomizations)"
fi

# The console log is long (CI keeps only its tail), so a failing run ends by repeating each failure with its message.
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
dotnet test Crossroads.slnx --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log" || status=$?
if [ "$status" -ne 0 ]; then
  echo
  echo "==== test.sh: dotnet test exited $status; the failures, repeated from above ===="
  grep -v '"LogLevel"' "$log" | grep -E -A25 '^\s*Failed [A-Za-z]|error [A-Z]+[0-9]+:|Test host process crashed|aborted' | head -200 || true
  grep -E '^\s*(Total tests|Passed|Failed|Skipped):' "$log" || true
fi
exit "$status"
