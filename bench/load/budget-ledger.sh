#!/usr/bin/env bash
# Budgeted requests' ledger cost with budget leases and without, alternated in one process (BudgetLedgerCommand):
# on SQLite (a temporary file) and on PostgreSQL (Debian's postgresql, a temporary cluster with fsync and
# synchronous_commit on, as the postgres user when run as root).
# Usage: [PORT=18700] bench/load/budget-ledger.sh [rounds] [seconds] [concurrency...]
set -uo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
seconds=${2:-3}
shift 2 2>/dev/null
concurrency=("${@:-1 16}")
read -r -a concurrency <<<"${concurrency[*]}"
port=${PORT:-18700}
dotnet build -c Release bench/Crossroads.Benchmarks >/dev/null || exit 1
bench=(dotnet bench/Crossroads.Benchmarks/bin/Release/net10.0/Crossroads.Benchmarks.dll budget-ledger)
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
work=$(mktemp -d)
chmod 755 "$work"
as_pg=(); [[ $(id -u) == 0 ]] && as_pg=(runuser -u postgres --)
pg=$work/pg
mkdir -p "$pg" && chown postgres "$pg" 2>/dev/null
cleanup() { "${as_pg[@]}" "$bin/pg_ctl" stop -D "$pg/data" -m fast >/dev/null 2>&1; rm -rf "$work"; }
trap cleanup EXIT
"${as_pg[@]}" "$bin/initdb" -D "$pg/data" -U postgres --auth=trust >/dev/null || exit 1
"${as_pg[@]}" "$bin/pg_ctl" start -D "$pg/data" -l "$pg/log" -w -o "-p $port -k $pg -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on" >/dev/null || exit 1
"${as_pg[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres crossroads || exit 1
for c in "${concurrency[@]}"; do
  "${bench[@]}" sqlite "$rounds" "$seconds" "$c" "$work/sqlite-$c"
  "${bench[@]}" postgresql "$rounds" "$seconds" "$c" "Host=127.0.0.1;Port=$port;Username=postgres;Database=crossroads"
done
