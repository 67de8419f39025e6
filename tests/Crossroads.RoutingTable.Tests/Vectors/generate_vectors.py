#!/usr/bin/env python3
"""Differential test vectors for IpAddress / IpPrefix, produced by CPython's real `ipaddress` module.

Regenerate (from the repository root) with:

    python3 tests/Crossroads.RoutingTable.Tests/Vectors/generate_vectors.py \
        > tests/Crossroads.RoutingTable.Tests/Vectors/ip_vectors.json

The output is deterministic for a given Python version (the seed is fixed). The vectors committed were
produced by Python 3.11 (recorded in the file): 3.13 prints IPv4-mapped addresses in dotted form, which we
deliberately do not, so regenerate with 3.11 only.

Each vector: {"kind": "address" | "network", "input": str, "ok": bool, "str": canonical str() or null,
"value": 32/128-bit integer as hex (address: the address; network: the network address) or null,
"v6": bool or null, "prefixlen": int or null, "differs": null | "zone-id"}.
"differs" marks inputs where our parser intentionally disagrees with Python: zone ids (`fe80::1%eth0`) are
rejected by Crossroads although Python >= 3.9 accepts them, so the C# side expects a rejection there.
"""
import ipaddress
import json
import random
import sys

SEED = 20240611
rng = random.Random(SEED)

vectors = []
seen = set()


def differs(text):
    return "zone-id" if "%" in text else None


def add_address(text):
    if ("a", text) in seen:
        return
    seen.add(("a", text))
    try:
        a = ipaddress.ip_address(text)
        vectors.append({"kind": "address", "input": text, "ok": True, "str": str(a),
                        "value": format(int(a), "x"), "v6": a.version == 6, "prefixlen": None,
                        "differs": differs(text)})
    except ValueError:
        vectors.append({"kind": "address", "input": text, "ok": False, "str": None, "value": None,
                        "v6": None, "prefixlen": None, "differs": differs(text)})


def add_network(text):
    if ("n", text) in seen:
        return
    seen.add(("n", text))
    try:
        n = ipaddress.ip_network(text, strict=True)
        vectors.append({"kind": "network", "input": text, "ok": True, "str": str(n),
                        "value": format(int(n.network_address), "x"), "v6": n.version == 6,
                        "prefixlen": n.prefixlen, "differs": differs(text)})
    except ValueError:
        vectors.append({"kind": "network", "input": text, "ok": False, "str": None, "value": None,
                        "v6": None, "prefixlen": None, "differs": differs(text)})


def add_both(text):
    add_address(text)
    add_network(text)


# ---- Hand-picked edge cases -------------------------------------------------------------------------
EDGE_ADDRESSES = [
    "", " ", "0.0.0.0", "255.255.255.255", "1.2.3.4", "01.2.3.4", "1.02.3.4", "1.2.3.04", "1.2.3.00", "00.0.0.0",
    "0.0.0.00", "256.0.0.0", "1.2.3.256", "1.2.3.999", "1.2.3.1000", "1.2.3", "1.2", "1", "1.2.3.4.5", "1.2.3.4.",
    ".1.2.3.4", "1..2.3", "1.2..3.4", "1.2.3.-4", "1.2.3.+4", "+1.2.3.4", " 1.2.3.4", "1.2.3.4 ", "1.2.3.4\n",
    "\t1.2.3.4", "1.2.3.4\x00", "1.2.3.0x4", "0x1.2.3.4", "1.2.3.4/32", "1.2.3.4:80", "127.1", "2130706433",
    "1.2.3.\u0664", "\uff11.2.3.4", "1.2.3.4\u00a0", "\u0661.2.3.4", "::", ":", ":::", "::::", "::1", "1::", "1:",
    ":1", "1::2", "1:::2", "1::2::3", "::1::", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7",
    "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8", "1:2:3:4::5:6:7:8",
    "1:2:3:4:5:6::7", "1:2:3:4:5::6:7", ":1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:", ":1::2", "1::2:", "::1:",
    ":::1", "1:::", "12345::", "::12345", "1:2:3:4:5:6:7:12345", "0000:0000:0000:0000:0000:0000:0000:0001",
    "00000::1", "abcd::ef01", "ABCD::EF01", "AbCd::eF01", "g::1", "::g", "fffff::", "ffff::", "::ffff",
    "::1.2.3.4", "::ffff:1.2.3.4", "::ffff:01.2.3.4", "::ffff:1.2.3", "::ffff:1.2.3.4.5", "::ffff:256.2.3.4",
    "1.2.3.4::", "1.2.3.4::1", "::1.2.3.4:1", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "1:2:3:4:5::1.2.3.4",
    "1:2:3:4:5:6::1.2.3.4", "1::2:3:4:5:6:1.2.3.4", "::2:3:4:5:6:1.2.3.4", "::2:3:4:5:6:7:1.2.3.4",
    "1:2:3:4:5:6:7:8:1.2.3.4", ":1.2.3.4", "::1.2.3.4:", "1.2.3.4:", "::1.2.3.4/1", "64:ff9b::192.0.2.33",
    "::ffff:0:0", "::ffff:ffff:ffff", "::ffff:0.0.0.0", "::0.0.0.0", "::255.255.255.255", "fe80::1%eth0",
    "fe80::1%", "fe80::1%1", "fe80::%eth0", "1.2.3.4%eth0", "%eth0", "::%1", "fe80::1%eth0%eth1",
    "2001:db8::", "2001:0db8:0000:0000:0000:0000:0000:0000", "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1",
    "2001:db8:0:0:0:0:2:1", "2001:db8:0:1:1:1:1:1", "2001:0:0:1:0:0:0:1", "0:0:0:0:0:0:0:0", "0:0:0:0:0:0:0:1",
    "1:0:0:0:0:0:0:0", "1:0:1:0:1:0:1:0", "0:1:0:1:0:1:0:1", "1:0:0:1:0:0:1:1", "0:0:1:0:0:1:0:0",
    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255", " ::1", "::1 ",
    ":: 1", "::-1", "::+1", "::0x1", "1:2:3:4:5:6:7:-8", "\u0661::", "::\u0661", "\u00e9::1", "1.2.3.4\u200b",
    "[::1]", "::1/128", "::1/", "1:2:3:4:5:6:7:8/64", "1.2.3.4/", "1.2.3.4/8/9",
]

EDGE_NETWORKS = [
    "0.0.0.0/0", "0.0.0.0/00", "0.0.0.0/000", "1.0.0.0/8", "1.0.0.0/08", "1.0.0.0/008", "1.2.3.4/32",
    "1.2.3.4/032", "1.2.3.4", "1.2.3.0/24", "1.2.3.4/24", "1.2.3.0/33", "1.2.3.0/-1", "1.2.3.0/+8",
    "1.2.3.0/ 24", "1.2.3.0/24 ", " 1.2.3.0/24", "1.2.3.0 /24", "1.2.3.0/", "/", "/24", "1.2.3.0//24",
    "1.2.3.0/24/24", "1.2.3.0/2 4", "1.2.3.0/0x18", "1.2.3.0/24.0", "1.2.3.0/\u0662\u0664", "1.2.3.0/\uff12\uff14",
    "10.0.0.0/255.0.0.0", "10.0.0.0/0.255.255.255", "10.0.0.0/255.255.255.255", "10.0.0.0/0.0.0.0",
    "0.0.0.0/0.0.0.0", "10.0.0.0/255.255.0.0", "10.0.0.0/0.0.255.255", "10.0.0.0/255.0.255.0",
    "10.0.0.0/0.255.0.255", "10.0.0.0/255.255.255.254", "10.0.0.0/254.0.0.0", "10.0.0.0/1.255.255.255",
    "10.0.0.0/128.0.0.0", "10.0.0.0/127.255.255.255", "10.0.0.0/255.0.0", "10.0.0.0/255.000.0.0",
    "10.0.0.0/255.0.0.0.0", "10.0.0.0/255.0.0.00", "10.0.0.0/256.0.0.0", "10.1.0.0/255.0.0.0",
    "10.1.0.0/0.255.255.255", "10.0.0.1/255.255.255.255", "10.0.0.1/0.0.0.0", "10.0.0.0/ff00::",
    "::/0", "::/00", "::/128", "::/0128", "::/129", "::/1280", "::1/128", "::1/127", "::/64", "2001:db8::/32",
    "2001:db8::/033", "2001:db8::/31", "2001:db8::1/64", "2001:db8::/ffff:ffff::", "2001:db8::/255.255.0.0",
    "::/ffff::", "::ffff:0:0/96", "::ffff:1.2.3.0/120", "::ffff:1.2.3.4/128", "::ffff:1.2.3.4/96",
    "::1.2.3.4/126", "fe80::/10", "fe80::%eth0/64", "fe80::1%eth0/128", "fe80::/64%eth0", "::/", "::/-0",
    "::/+0", "::/ 0", "::/0 ", "1.2.3.0/24\n", "1.2.3.0/24\t", "1:2:3:4:5:6:7:8/128", "1:2:3:4:5:6:7:0/112",
    "1:2:3:4:5:6:7:0/111", "8000::/1", "8000::/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128",
    "128.0.0.0/1", "128.0.0.0/0", "255.255.255.255/32", "255.255.255.254/31", "255.255.255.254/30",
    # Very long (but valid for Python) prefix lengths: leading zeros are unlimited.
    "1.2.3.0/" + "0" * 70 + "24", "::/" + "0" * 80, "2001:db8::/" + "0" * 60 + "32",
    "1.2.3.0/" + "0" * 20 + "24", "::/" + "0" * 30 + "128",
]

for text in EDGE_ADDRESSES:
    add_both(text)
for text in EDGE_NETWORKS:
    add_both(text)


# ---- Random valid addresses, with zero runs so that "::" placement gets exercised --------------------
def random_v6_int():
    hextets = []
    for _ in range(8):
        r = rng.random()
        if r < 0.45:
            hextets.append(0)
        elif r < 0.6:
            hextets.append(rng.choice([1, 0xffff, 0x10, 0x100, 0x1000]))
        else:
            hextets.append(rng.randrange(0x10000))
    value = 0
    for h in hextets:
        value = (value << 16) | h
    return value


def random_v4_int():
    octets = [rng.choice([0, 1, 9, 10, 99, 100, 127, 199, 200, 255, rng.randrange(256)]) for _ in range(4)]
    return (octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]


def text_forms_v6(value):
    a = ipaddress.IPv6Address(value)
    forms = [str(a), a.exploded, str(a).upper()]
    # Non-canonical but valid: uncompressed short hextets, and an embedded IPv4 tail.
    forms.append(":".join("%x" % ((value >> (112 - 16 * i)) & 0xFFFF) for i in range(8)))
    forms.append(":".join("%x" % ((value >> (112 - 16 * i)) & 0xFFFF) for i in range(6)) + ":" +
                 str(ipaddress.IPv4Address(value & 0xFFFFFFFF)))
    return forms


for _ in range(400):
    value = random_v6_int()
    for text in text_forms_v6(value):
        add_address(text)
for _ in range(150):
    value = (0xFFFF << 32) | rng.randrange(1 << 32)  # IPv4-mapped
    add_address(str(ipaddress.IPv6Address(value)))
    add_address("::ffff:" + str(ipaddress.IPv4Address(value & 0xFFFFFFFF)))
for _ in range(400):
    add_address(str(ipaddress.IPv4Address(random_v4_int())))
    add_address(str(ipaddress.IPv4Address(rng.randrange(1 << 32))))

# Random valid networks in every notation (prefix length, netmask, hostmask), and with host bits set.
for _ in range(600):
    if rng.random() < 0.5:
        length = rng.randrange(33)
        value = random_v4_int() & (((1 << 32) - 1) ^ ((1 << (32 - length)) - 1))
        net = ipaddress.IPv4Network((value, length))
        add_network(str(net))
        add_network("%s/%s" % (net.network_address, net.netmask))
        add_network("%s/%s" % (net.network_address, net.hostmask))
        add_network("%s/0%d" % (net.network_address, length))
        if length < 32:
            add_network("%s/%d" % (ipaddress.IPv4Address(value | (1 << rng.randrange(32 - length))), length))
    else:
        length = rng.randrange(129)
        value = random_v6_int() & (((1 << 128) - 1) ^ ((1 << (128 - length)) - 1))
        net = ipaddress.IPv6Network((value, length))
        add_network(str(net))
        add_network("%s/%d" % (net.network_address.exploded, length))
        add_network("%s/%s" % (net.network_address, net.netmask))
        if length < 128:
            add_network("%s/%d" % (ipaddress.IPv6Address(value | (1 << rng.randrange(128 - length))), length))

# ---- Fuzz: random strings over the address alphabet, and mutations of valid texts ------------------
ALPHABET = "0123456789abcdefABCDEF:./%"
for _ in range(1500):
    text = "".join(rng.choice(ALPHABET) for _ in range(rng.randrange(1, 20)))
    add_both(text)
# Biased toward the shapes that matter: digits, dots and colons only.
for _ in range(1500):
    text = "".join(rng.choice("0123456789.:::af") for _ in range(rng.randrange(1, 24)))
    add_both(text)

valid_texts = [v["input"] for v in vectors if v["ok"]]
for _ in range(2000):
    chars = list(rng.choice(valid_texts))
    for _ in range(rng.randrange(1, 3)):
        op = rng.randrange(3)
        pos = rng.randrange(len(chars) + 1)
        if op == 0:
            chars.insert(pos, rng.choice(ALPHABET))
        elif op == 1 and chars:
            del chars[min(pos, len(chars) - 1)]
        elif chars:
            chars[min(pos, len(chars) - 1)] = rng.choice(ALPHABET)
    add_both("".join(chars))

# One vector per line keeps diffs of regenerated files readable.
out = sys.stdout
out.write('{"python":%s,"seed":%d,"vectors":[\n' % (json.dumps(sys.version.split()[0]), SEED))
out.write(",\n".join(json.dumps(v, ensure_ascii=True, separators=(",", ":")) for v in vectors))
out.write("\n]}\n")
