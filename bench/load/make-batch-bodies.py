#!/usr/bin/env python3
"""Bodies for bench/load/batch-lookups.lua: one JSON array of addresses per line.

kind "inside": each address lies inside a randomly chosen prefix of the routes file (its share of IPv4 and IPv6 as in
the file), so almost every item is a 200; "random": uniform over the IPv4 space (many 404s); "mixed": half and half.
Usage: make-batch-bodies.py ROUTES_FILE KIND BODIES PER_BODY SEED > bodies.txt
"""
import gzip
import ipaddress
import json
import random
import sys


def main():
    routes_file, kind, bodies, per_body, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    rng = random.Random(seed)
    prefixes = []
    if kind != "random":
        opener = gzip.open if routes_file.endswith(".gz") else open
        with opener(routes_file, "rt", encoding="ascii") as lines:
            for line in lines:
                line = line.strip()
                if line and not line.startswith("#"):
                    prefixes.append(line.split(";", 1)[0])

    def inside():
        network = ipaddress.ip_network(prefixes[rng.randrange(len(prefixes))])
        host = rng.getrandbits(network.max_prefixlen - network.prefixlen) if network.prefixlen < network.max_prefixlen else 0
        return str(network.network_address + host)

    def uniform():
        return str(ipaddress.IPv4Address(rng.getrandbits(32)))

    for _ in range(bodies):
        if kind == "inside":
            items = [inside() for _ in range(per_body)]
        elif kind == "random":
            items = [uniform() for _ in range(per_body)]
        else:
            items = [inside() if rng.random() < 0.5 else uniform() for _ in range(per_body)]
        print(json.dumps(items, separators=(",", ":")))


if __name__ == "__main__":
    main()
