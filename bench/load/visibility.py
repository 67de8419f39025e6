#!/usr/bin/env python3
"""Cross-replica visibility: POST a new URL to replica A, then resolve on replica B in a tight loop until B answers
it; the time from A's answer to B's first matching answer, over N writes. Prints p50, p90, p99, max (ms).
Usage: visibility.py http://127.0.0.1:PORT_A http://127.0.0.1:PORT_B [N]"""
import http.client, json, sys, time, urllib.parse

def conn(base):
    u = urllib.parse.urlparse(base)
    return http.client.HTTPConnection(u.hostname, u.port, timeout=10)

a, b = conn(sys.argv[1]), conn(sys.argv[2])
n = int(sys.argv[3]) if len(sys.argv) > 3 else 200
path = "/api/v1/routes/resolve?tenant=bench&service=visibility&env=prod&version=v1"
samples = []
for i in range(n):
    url = f"http://visibility-{i}-{time.time_ns()}.example"
    body = json.dumps({"tenant": "bench", "service": "visibility", "env": "prod", "version": "v1", "url": url})
    a.request("POST", "/api/v1/routes", body, {"Content-Type": "application/json"})
    r = a.getresponse(); r.read()
    assert r.status == 201, r.status
    answered = time.perf_counter()
    while True:
        b.request("GET", path)
        r = b.getresponse(); data = r.read()
        if r.status == 200 and json.loads(data)["url"] == url:
            break
        if time.perf_counter() - answered > 10:
            sys.exit(f"replica B did not see write {i} within 10 s")
    samples.append((time.perf_counter() - answered) * 1000)
samples.sort()
q = lambda p: samples[min(len(samples) - 1, int(p * len(samples)))]
print(f"visibility A->B over {n} writes: p50 {q(0.5):.1f} ms, p90 {q(0.9):.1f} ms, p99 {q(0.99):.1f} ms, max {samples[-1]:.1f} ms")
