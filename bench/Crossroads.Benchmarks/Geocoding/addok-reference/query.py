import boot, json, sys
from addok.core import search, reverse
out = open(sys.argv[2], 'w')
for line in open(sys.argv[1]):
    q = json.loads(line)
    kw = {}
    for k in ('type', 'postcode', 'citycode'):
        if q.get(k): kw[k] = q[k]
    try:
        if q.get('reverse'):
            res = reverse(lat=q['lat'], lon=q['lon'], limit=q.get('limit', 1), **kw)
        else:
            res = search(q['q'], limit=q.get('limit', 5), autocomplete=q.get('autocomplete', True), lat=q.get('lat'), lon=q.get('lon'), **kw)
        feats = [r.format() for r in res]
        out.write(json.dumps({'q': q, 'results': [{'label': f['properties']['label'], 'score': f['properties'].get('score'), 'id': f['properties'].get('id'), 'type': f['properties'].get('type'), 'lon': f['geometry']['coordinates'][0], 'lat': f['geometry']['coordinates'][1], 'props': f['properties']} for f in feats]}) + '\n')
    except Exception as e:
        out.write(json.dumps({'q': q, 'error': repr(e)}) + '\n')
