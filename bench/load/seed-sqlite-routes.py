#!/usr/bin/env python3
"""Seeds N routes straight into a service-routes SQLite store (crossroads.db, schema already migrated by a first
server start): tenant t<k % 100>, service s<k>, env prod, version v1 -- the keys bench/load/resolve-routes.lua asks
for. Routes only (no audit or outbox rows): enough to measure a replica's cache load, memory and resolve speed at
scale without a million HTTP writes. Usage: seed-sqlite-routes.py DATA_DIR N"""
import sqlite3, sys, time

db = sqlite3.connect(f"{sys.argv[1]}/crossroads.db")
n = int(sys.argv[2])
now = int(time.time() * 1_000_000)
with db:
    db.execute("DELETE FROM routes")
    db.executemany(
        "INSERT INTO routes (tenant, service, env, version, url, active, revision, created_at, updated_at) VALUES (?, ?, 'prod', 'v1', ?, 1, ?, ?, ?)",
        ((f"t{k % 100}", f"s{k}", f"http://s{k}.t{k % 100}.svc.cluster.local:8080", k + 1, now, now) for k in range(n)))
    db.execute("UPDATE revision_counter SET revision = ?", (n,))
db.close()
