#!/usr/bin/env python3
"""Raw-socket client for the model router's one-at-a-time latency: no HTTP client library and one blocking thread,
so the client's own cost per request is a few µs and the same on both sides (the Crossroads.Benchmarks ttft/latency
commands use HttpClient, whose header parsing and thread-pool continuations fall inside the timed window).

Sends N requests (after WARMUP) alternately straight at the fake upstream and through the router (the order flips
every pair), each on one kept-alive connection per side, and prints per side the time from the send to the response
headers, to the first content chunk and to the end of the answer, the router's added time per percentile, and how
many recv() calls brought the bytes up to the first content (1 = headers, role and first token in one segment).
GAP_MS=x sleeps x ms before every request: the router and its threads go idle as they do during a slow upstream's
first-token wait (added time at 0 ms vs 20 ms gaps is the cost of waking it up; bench/RESULTS.md, stop 13).
PROBE_LOG=FILE writes one line per request: port, send, first content, end (CLOCK_MONOTONIC ns, the clock of .NET's
Stopwatch), to line requests up with timestamps taken inside the servers.

Usage: bench/load/model-router-probe.py DIRECT_PORT ROUTER_PORT [N=300] [WARMUP=50] [stream|whole]
(start the fake and the router first, e.g. as bench/load/model-router-common.sh does)."""
import math
import os
import socket
import statistics
import sys
import time

if len(sys.argv) < 3:
    sys.exit(__doc__.strip().splitlines()[-2])
direct_port, router_port = int(sys.argv[1]), int(sys.argv[2])
n = int(sys.argv[3]) if len(sys.argv) > 3 else 300
warmup = int(sys.argv[4]) if len(sys.argv) > 4 else 50
stream = (sys.argv[5] if len(sys.argv) > 5 else "stream") == "stream"
gap = float(os.environ.get("GAP_MS", "0")) / 1000
body = (b'{"model":"fake-model","stream":true,"max_tokens":1000,"messages":[{"role":"user","content":"What does a router do?"}]}'
        if stream else b'{"model":"fake-model","max_tokens":32,"messages":[{"role":"user","content":"What does a router do?"}]}')
sockets = {}
log = []


def complete(buf):
    """A whole HTTP/1.1 answer: Content-Length bytes after the headers, or the last chunk of a chunked body."""
    head, _, rest = buf.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(rest) >= int(line.split(b":")[1])
    return rest.endswith(b"0\r\n\r\n")


def one(port):
    s = sockets.get(port)
    if s is None:
        s = sockets[port] = socket.create_connection(("127.0.0.1", port))
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    request = (b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/json\r\n"
               b"Content-Length: %d\r\n\r\n" % (port, len(body))) + body
    buf, headers, first, recvs, first_recvs = b"", None, None, 0, 0
    t0 = time.perf_counter_ns()
    s.sendall(request)
    while True:
        data = s.recv(65536)
        t = time.perf_counter_ns()
        if not data:
            raise RuntimeError(f"port {port} closed the connection")
        buf += data
        recvs += 1
        if headers is None and b"\r\n\r\n" in buf:
            headers = t
        # The role chunk carries "content":"" (OpenAI's first delta); the fake's first word starts with "W".
        if first is None and (b'"content":"W' in buf if stream else headers is not None):
            first, first_recvs = t, recvs
        if headers is not None and first is not None and complete(buf):
            log.append((port, t0, first, t))
            return (headers - t0) / 1e6, (first - t0) / 1e6, (t - t0) / 1e6, first_recvs


def pct(values, q):
    """Nearest-rank percentile, as PairedLatencyCommand.Percentile."""
    values = sorted(values)
    return values[min(len(values) - 1, max(0, math.ceil(q * len(values)) - 1))]


results = {0: [], 1: []}
for i in range(warmup + n):
    for k in range(2):
        side = (i + k) % 2  # 0 = direct, 1 = router; who goes first alternates
        if gap:
            time.sleep(gap)
        r = one(direct_port if side == 0 else router_port)
        if i >= warmup:
            results[side].append(r)

names = ["headers", "first content" if stream else "first byte", "end"]
for j, name in enumerate(names):
    d = [r[j] for r in results[0]]
    r = [x[j] for x in results[1]]
    print(f"{name:13s} direct p50 {pct(d, .5):7.3f} p90 {pct(d, .9):7.3f} p99 {pct(d, .99):7.3f} | "
          f"router p50 {pct(r, .5):7.3f} p90 {pct(r, .9):7.3f} p99 {pct(r, .99):7.3f} | "
          f"added p50 {pct(r, .5) - pct(d, .5):6.3f} p90 {pct(r, .9) - pct(d, .9):6.3f} p99 {pct(r, .99) - pct(d, .99):6.3f} ms")
print("recv() calls up to the first content: direct", statistics.median(r[3] for r in results[0]),
      "router", statistics.median(r[3] for r in results[1]))
if os.environ.get("PROBE_LOG"):
    with open(os.environ["PROBE_LOG"], "w") as f:
        for port, t0, first, end in log:
            f.write(f"{port} {t0} {first} {end}\n")
