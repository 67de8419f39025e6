#!/usr/bin/env python3
"""Compares two result files (reference = Addok, candidate = Crossroads) line by line: per variant, the share of
queries with the same top id, the same top score (|Δ| < 1e-9) and the same top-5 ids; with --show N, prints the
first N disagreements. Also reports precision@1 against the expected id for both."""
import json, sys
from collections import defaultdict

ref, cand = sys.argv[1], sys.argv[2]
show = int(sys.argv[sys.argv.index('--show') + 1]) if '--show' in sys.argv else 0
stats = defaultdict(lambda: defaultdict(int))
shown = 0
for a, b in zip(open(ref), open(cand)):
    a, b = json.loads(a), json.loads(b)
    v = a['q'].get('variant', '?')
    s = stats[v]; s['n'] += 1
    ra, rb = a.get('results', []), b.get('results', [])
    ta = ra[0]['id'] if ra else None; tb = rb[0]['id'] if rb else None
    s['same_top'] += ta == tb
    s['same_score'] += (not ra and not rb) or (ra and rb and abs(ra[0]['score'] - rb[0]['score']) < 1e-9)
    s['same_top5'] += [r['id'] for r in ra] == [r['id'] for r in rb]
    exp = a['q'].get('expect')
    if exp:
        s['exp'] += 1; s['p1_ref'] += ta == exp; s['p1_cand'] += tb == exp
    if ta != tb and shown < show:
        shown += 1
        print('--', json.dumps(a['q'], ensure_ascii=False))
        print('   ref :', [(r['label'], r['id'], round(r['score'], 4)) for r in ra[:3]])
        print('   cand:', [(r['label'], r['id'], round(r['score'], 4)) for r in rb[:3]])
tot = defaultdict(int)
print(f"{'variant':24} {'n':>5} {'same top':>9} {'same score':>10} {'same top5':>9} {'p@1 addok':>9} {'p@1 ours':>8}")
for v, s in sorted(stats.items()):
    for k, x in s.items(): tot[k] += x
    pct = lambda k, d='n': f"{100 * s[k] / s[d]:.1f}%" if s[d] else '-'
    print(f"{v:24} {s['n']:>5} {pct('same_top'):>9} {pct('same_score'):>10} {pct('same_top5'):>9} {pct('p1_ref', 'exp'):>9} {pct('p1_cand', 'exp'):>8}")
s = tot; pct = lambda k, d='n': f"{100 * s[k] / s[d]:.2f}%" if s[d] else '-'
print(f"{'ALL':24} {s['n']:>5} {pct('same_top'):>9} {pct('same_score'):>10} {pct('same_top5'):>9} {pct('p1_ref', 'exp'):>9} {pct('p1_cand', 'exp'):>8}")
