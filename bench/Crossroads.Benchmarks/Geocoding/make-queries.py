#!/usr/bin/env python3
"""Deterministic query set over an Addok NDJSON file: address variants (exact label, no city, lower case without
accents, one typo, transposition, abbreviations, autocomplete prefixes, reordered words, leading noise), streets,
municipalities, filters, geographic bias and reverse points. One JSON query a line, with the expected id."""
import gzip, json, random, sys, unicodedata

path, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 300
rng = random.Random(20261201)
docs = [json.loads(l) for l in (gzip.open if path.endswith('.gz') else open)(path, 'rt')]
first = lambda v: (v[0] if v else None) if isinstance(v, list) else v
streets = [d for d in docs if d.get('type') == 'street' and d.get('housenumbers')]
munis = [d for d in docs if d.get('type') == 'municipality']
ABBR = [('Avenue', 'av'), ('avenue', 'av'), ('Rue', 'r'), ('rue', 'r'), ('Boulevard', 'bd'), ('Général', 'gal'),
        ('Saint', 'st'), ('Impasse', 'imp'), ('Route', 'rte'), ('Allée', 'all'), ('Place', 'pl')]

def strip(s):
    return ''.join(c for c in unicodedata.normalize('NFD', s) if unicodedata.category(c) != 'Mn')

def typo(s):
    words = s.split()
    idx = [i for i, w in enumerate(words) if len(w) > 4 and w.isalpha()]
    if not idx: return None
    i = rng.choice(idx); w = words[i]; j = rng.randrange(1, len(w) - 1)
    words[i] = w[:j] + rng.choice('aeiourstnl') + w[j + 1:]
    return ' '.join(words)

def transpose(s):
    words = s.split()
    idx = [i for i, w in enumerate(words) if len(w) > 4 and w.isalpha()]
    if not idx: return None
    i = rng.choice(idx); w = words[i]; j = rng.randrange(1, len(w) - 2)
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
    return ' '.join(words)

queries = []
def add(variant, q, expect=None, at=None, **kw):
    if q:
        extra = dict(elat=at['lat'], elon=at['lon']) if at else {}
        queries.append(dict(variant=variant, q=q, expect=expect, **extra, **kw))

for _ in range(n):
    s = rng.choice(streets)
    hn, data = rng.choice(list(s['housenumbers'].items()))
    name, city = first(s['name']), first(s['city'])
    full = f"{hn} {name} {city}"
    add('exact', full, data['id'], data)
    add('no_city', f"{hn} {name}", data['id'], data)
    add('lower_ascii', strip(full).lower(), data['id'], data)
    add('upper', full.upper(), data['id'], data)
    add('typo', typo(full), data['id'], data)
    add('transposition', transpose(full), data['id'], data)
    ab = full
    for a, b in ABBR:
        ab = ab.replace(a + ' ', b + ' ')
    if ab != full: add('abbreviation', ab, data['id'], data)
    words = full.split()
    if len(words[-1]) > 4: add('autocomplete', ' '.join(words[:-1] + [words[-1][:3]]), data['id'], data)
    add('reordered', f"{city} {hn} {name}", data['id'], data)
    add('noise', f"Résidence Les Pins bât B {full}", data['id'], data)
    add('no_autocomplete', full, data['id'], data, autocomplete=False)
    add('filter_type', full, data['id'], data, type='housenumber')
    add('filter_citycode', f"{hn} {name}", data['id'], data, citycode=first(s['citycode']))
    add('center', f"{hn} {name}", data['id'], data, lat=data['lat'] + 0.01, lon=data['lon'] - 0.01)
for s in rng.sample(streets, min(len(streets), n // 3)):
    add('street', f"{first(s['name'])} {first(s['city'])}", s['id'], s)
    add('street_filter', first(s['name']), s['id'], s, type='street')
for m in munis:
    add('municipality', first(m['name']), m['id'], m)
    add('municipality_postcode', f"{first(m['postcode'])} {first(m['name'])}", m['id'], m)
lats = [hn['lat'] for s in streets for hn in s['housenumbers'].values()]
lons = [hn['lon'] for s in streets for hn in s['housenumbers'].values()]
for _ in range(n):
    s = rng.choice(streets); hn = rng.choice(list(s['housenumbers'].values()))
    queries.append(dict(variant='reverse', reverse=True, lat=hn['lat'] + rng.uniform(-0.0005, 0.0005), lon=hn['lon'] + rng.uniform(-0.0005, 0.0005)))
with open(out, 'w') as f:
    for q in queries: f.write(json.dumps(q, ensure_ascii=False) + '\n')
print(len(queries), 'queries')
