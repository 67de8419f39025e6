#!/usr/bin/env bash
# Runs the whole test suite. Installs what the tests need on a fresh Debian machine (as root):
# promtool (package prometheus) validates /metrics output.
set -euo pipefail
cd "$(dirname "$0")"

need=()
command -v promtool >/dev/null 2>&1 || need+=(prometheus)
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

dotnet test Crossroads.slnx --logger "console;verbosity=normal" "$@"
