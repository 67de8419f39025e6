#!/usr/bin/env python3
"""Collections of one process inside a time window, from `Crossroads.Benchmarks runtime-events` output.

Usage: gc-pauses.py EVENTS START_UNIX_US END_UNIX_US REQUESTS
Prints one line: per generation, the collections that started in the window, how many per 1,000 requests, their
pauses (suspension to restart, ms) p50 / p99 / max, and the median KB each promoted (its survivors: what the pause
copied).
"""
import sys


def pct(values, q):
    v = sorted(values)
    return v[min(len(v) - 1, max(0, -(-int(q * len(v) * 1000) // 1000) - 1))] if v else float("nan")


events = []
for line in open(sys.argv[1]):
    p = line.split(None, 2)
    if len(p) >= 2 and p[1] in ("suspend", "gc-start", "restart", "heap-stats"):
        events.append((int(p[0]), p[1], p[2].strip() if len(p) > 2 else ""))
events.sort()
begin, end, requests = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
pauses, promoted, kinds, current, generation, survived, how = {}, {}, {}, None, None, None, None
for t, kind, detail in events:
    if kind == "suspend":
        current, generation, survived = t, None, None
    elif kind == "gc-start" and current is not None:
        generation, how = detail.split()[0], "/".join(detail.split()[1:])
    elif kind == "heap-stats" and current is not None:
        # Emitted at the end of the collection, before the restart: bytes promoted out of gen0 and out of gen1.
        survived = sum(int(x) for x in detail.split()[:2]) / 1024
    elif kind == "restart" and current is not None:
        # A suspension without a collection (e.g. for a thread-pool or debugger reason) is not counted.
        if generation is not None and begin <= current <= end:
            pauses.setdefault(generation, []).append((t - current) / 1000)
            kinds.setdefault(generation, set()).add(how)
            if survived is not None:
                promoted.setdefault(generation, []).append(survived)
        current = None
parts = []
for g in ("gen0", "gen1", "gen2"):
    d = pauses.get(g, [])
    per = 1000 * len(d) / requests if requests else float("nan")
    parts.append(f"{g}={len(d)} {g}_per_1k={per:.2f} {g}_pause_ms_p50={pct(d, .5):.3f} {g}_pause_ms_p99={pct(d, .99):.3f} {g}_pause_ms_max={max(d) if d else float('nan'):.3f} {g}_promoted_kb_p50={pct(promoted.get(g, []), .5):.0f}")
    if g == "gen2" and d:
        # Reason/Type: a background collection (BGC) pauses twice briefly; a blocking one (NGC) stops everything.
        parts.append("gen2_kinds=" + ",".join(sorted(kinds[g])))
print(" ".join(parts))
