#!/usr/bin/env python3
"""Shrinks a result file (query.py output) to what the reference test compares: the query, the top-5 ids, the top
label, score and type (and distance for reverse)."""
import gzip, json, sys
with open(sys.argv[1]) as src, gzip.open(sys.argv[2], 'wt') as dst:
    for line in src:
        d = json.loads(line)
        rs = d.get('results', [])
        top = rs[0] if rs else None
        out = {'q': d['q'], 'ids': [r['id'] for r in rs]}
        if top:
            out.update(label=top['label'], score=top['score'], type=top['type'])
            if 'distance' in top.get('props', {}): out['distance'] = top['props']['distance']
        dst.write(json.dumps(out, ensure_ascii=False) + '\n')
