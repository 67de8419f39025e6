#!/usr/bin/env python3
"""Writes /search request paths (one a line) from an Addok NDJSON(.gz) file for geocoder-search.lua.

Variants per sampled housenumber: exact label, no city, lower case without accents, an autocomplete prefix, one typo;
plus street names and municipality names. Fixed seed, so runs compare.
Usage: geocoder-queries.py data.ndjson.gz out.txt [count]
"""
import gzip, json, random, sys, unicodedata, urllib.parse

src, out = sys.argv[1], sys.argv[2]
count = int(sys.argv[3]) if len(sys.argv) > 3 else 5000
rng = random.Random(42)
opener = gzip.open if src.endswith('.gz') else open
numbers, streets, cities = [], [], []
with opener(src, 'rt', encoding='utf-8') as f:
    for line in f:
        d = json.loads(line)
        name = d.get('name')
        name = name[0] if isinstance(name, list) else name
        city = d.get('city')
        city = city[0] if isinstance(city, list) else city
        if not name:
            continue
        if d.get('type') == 'municipality':
            cities.append(name)
        elif d.get('type') == 'street':
            streets.append((name, city or ''))
            for hn in (d.get('housenumbers') or {}):
                numbers.append((hn, name, city or ''))

def fold(s):
    return ''.join(c for c in unicodedata.normalize('NFD', s) if unicodedata.category(c) != 'Mn').lower()

def typo(s):
    i = rng.randrange(len(s))
    return s[:i] + rng.choice('aeiourstln') + s[i + 1:]

queries = []
while len(queries) < count:
    r = rng.random()
    if r < 0.7 and numbers:
        hn, name, city = rng.choice(numbers)
        full = f"{hn} {name} {city}"
        v = rng.randrange(5)
        q = [full, f"{hn} {name}", fold(full), full[: max(8, len(full) * 2 // 3)], typo(full)][v]
    elif r < 0.9 and streets:
        name, city = rng.choice(streets)
        q = f"{name} {city}"
    else:
        q = rng.choice(cities)
    queries.append('/search?q=' + urllib.parse.quote(q) + '&limit=5')
with open(out, 'w') as f:
    f.write('\n'.join(queries) + '\n')
print(f"{len(queries)} queries from {len(numbers)} housenumbers, {len(streets)} streets, {len(cities)} municipalities -> {out}")
