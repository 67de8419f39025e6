#!/usr/bin/env python3
"""Which requests were slow, and what happened meanwhile (issue #8's p99).

Usage: latency-attribution.py LATENCY_LOG EVENTS [TIMEHIST TIDS_FILE CLOCK_OFFSET]
  LATENCY_LOG  per-request log of `Crossroads.Benchmarks latency|ttft` (LATENCY_LOG=FILE): start_unix_us side ms warmup
               (side 0 = first URL, 1 = second URL; warm-up requests are skipped)
  EVENTS       `Crossroads.Benchmarks runtime-events PID FILE SECONDS` of the process behind the second URL
  TIMEHIST     optional `perf sched timehist` output of a `perf sched record -k CLOCK_MONOTONIC` taken meanwhile,
  TIDS_FILE    the thread ids of the measured server (one line, space separated; /proc/PID/task),
  CLOCK_OFFSET CLOCK_REALTIME - CLOCK_MONOTONIC in seconds when the trace was taken.
Prints both sides' percentiles, the collections (pause = suspension to restart) and JIT compilations inside the
measured window, and for the slowest 1.5 % of side 1: how many overlapped a collection, a JIT compilation, a
thread-pool adjustment, or (with a scheduler trace) a wait of the server's threads for a CPU.
"""
import bisect
import re
import sys


def pct(values, q):
    v = sorted(values)
    return v[min(len(v) - 1, max(0, -(-int(q * len(v) * 1000) // 1000) - 1))] if v else float("nan")


reqs = []
for line in open(sys.argv[1]):
    s, side, ms, warm = line.split()
    if warm == "0":
        reqs.append((int(s), int(side), float(ms)))
events = []
for line in open(sys.argv[2]):
    p = line.split(None, 2)
    events.append((int(p[0]), p[1], p[2].strip() if len(p) > 2 else ""))
events.sort()
begin, end = reqs[0][0], max(r[0] + r[2] * 1000 for r in reqs)
pauses, current, generation = [], None, ""
for t, kind, detail in events:
    if kind == "suspend":
        current = t
    elif kind == "gc-start":
        generation = detail.split()[0]
    elif kind == "restart" and current is not None:
        pauses.append((current, t, generation))
        current = None
jits = [t for t, k, _ in events if k == "jit-start"]
pool = [t for t, k, _ in events if k in ("tp-adjust", "tp-start")]

for side in (0, 1):
    v = [r[2] for r in reqs if r[1] == side]
    print(f"side {side}: n={len(v)} p50 {pct(v, .5):.3f} p90 {pct(v, .9):.3f} p99 {pct(v, .99):.3f} p99.9 {pct(v, .999):.3f} max {max(v):.3f} ms")
inside = [p for p in pauses if begin <= p[0] <= end]
side1 = [r for r in reqs if r[1] == 1]
for g in sorted({p[2] for p in inside}):
    d = sorted((b - a) / 1000 for a, b, gg in inside if gg == g)
    print(f"{g} collections in the window: {len(d)} (one per {len(side1) / len(d):.0f} side-1 requests), pause ms p50 {pct(d, .5):.2f} max {d[-1]:.2f}")
print(f"JIT compilations in the window: {sum(1 for t in jits if begin <= t <= end)}")

sched = None
if len(sys.argv) > 5:
    tids = set(open(sys.argv[4]).read().split())
    offset = float(sys.argv[5])
    sched = []
    for line in open(sys.argv[3]):
        m = re.match(r"\s*([\d.]+)\s+\[\d+\]\s+.*?\[(\d+)(?:/\d+)?\]\s+[\d.]+\s+([\d.]+)\s+([\d.]+)", line)
        if m and m.group(2) in tids:
            t, delay, run = float(m.group(1)) + offset, float(m.group(3)), float(m.group(4))
            sched.append(((t - run / 1000 - delay / 1000) * 1e6, (t - run / 1000) * 1e6))
    sched.sort()
    sched_starts = [a for a, _ in sched]


def hits(times, s, e):
    i = bisect.bisect_left(times, s)
    return i < len(times) and times[i] <= e


overlapping_gc = [r for r in side1 if any(a <= r[0] + r[2] * 1000 and b >= r[0] for a, b, _ in inside)]
print(f"side-1 requests overlapping a collection: {len(overlapping_gc)} ({100 * len(overlapping_gc) / len(side1):.2f} %), "
      f"their ms p50 {pct([r[2] for r in overlapping_gc], .5):.2f}")
threshold = pct([r[2] for r in side1], 0.985)
slow = [r for r in side1 if r[2] >= threshold]
counts = {}
for s, _, ms in slow:
    e = s + ms * 1000
    causes = []
    if any(a <= e and b >= s for a, b, _ in inside):
        causes.append("gc")
    if hits(jits, s, e):
        causes.append("jit")
    if hits(pool, s, e):
        causes.append("pool")
    if sched is not None:
        i = max(0, bisect.bisect_left(sched_starts, s - 100_000))
        waited = 0.0
        while i < len(sched) and sched[i][0] < e:
            a, b = sched[i]
            waited += max(0.0, min(b, e) - max(a, s))
            i += 1
        if waited >= 200:  # µs of server threads waiting for a CPU during the request
            causes.append("cpu-wait")
    key = "+".join(causes) or "none"
    counts[key] = counts.get(key, 0) + 1
print(f"slowest 1.5 % of side 1 (>= {threshold:.3f} ms, {len(slow)} requests): " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1])))
