#!/usr/bin/env python3
"""Quality of one result file (geocode runner or Addok's query.py output) against the expected ids and points of
make-queries.py: per variant, precision@1 by id, MRR@5, no-result rate, median and p95 distance (m) between the top
answer's point and the expected point. Usage: quality.py RESULTS.jsonl [LABEL]"""
import json, math, sys
from collections import defaultdict

def haversine_m(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 6367000 * 2 * math.asin(math.sqrt(a))

rows = defaultdict(lambda: dict(n=0, p1=0, rr=0.0, empty=0, dist=[]))
for line in open(sys.argv[1]):
    d = json.loads(line)
    q = d['q']
    if not q.get('expect'):
        continue
    s = rows[q['variant']]
    rs = d.get('results', [])
    ids = [r['id'] for r in rs[:5]]
    s['n'] += 1
    s['p1'] += bool(ids) and ids[0] == q['expect']
    s['rr'] += 1 / (ids.index(q['expect']) + 1) if q['expect'] in ids else 0
    if not rs:
        s['empty'] += 1
    elif 'elat' in q and 'lat' in rs[0]:
        s['dist'].append(haversine_m(rs[0]['lat'], rs[0]['lon'], q['elat'], q['elon']))

def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p * len(values)))] if values else float('nan')

label = sys.argv[2] if len(sys.argv) > 2 else sys.argv[1]
print(f"quality of {label}")
print(f"{'variant':22} {'n':>5} {'p@1':>7} {'MRR@5':>6} {'none':>6} {'med m':>7} {'p95 m':>8}")
total = dict(n=0, p1=0, rr=0.0, empty=0, dist=[])
for v, s in sorted(rows.items()):
    for k in ('n', 'p1', 'rr', 'empty'): total[k] += s[k]
    total['dist'] += s['dist']
for v, s in sorted(rows.items()) + [('ALL', total)]:
    print(f"{v:22} {s['n']:>5} {100 * s['p1'] / s['n']:6.1f}% {s['rr'] / s['n']:6.3f} {100 * s['empty'] / s['n']:5.1f}% "
          f"{pct(s['dist'], .5):7.1f} {pct(s['dist'], .95):8.1f}")
