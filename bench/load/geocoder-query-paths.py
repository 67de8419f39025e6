#!/usr/bin/env python3
"""Turns the geocode runner's query file (JSON lines from bench/Crossroads.Benchmarks/Geocoding/make-queries.py:
searches with their filters, bias and autocomplete flag, and reverse queries) into request paths, one a line, as
the HTTP API takes them. Lines that already are paths are kept.
Usage: geocoder-query-paths.py queries.jsonl out.txt
"""
import json, sys, urllib.parse

with open(sys.argv[1], encoding="utf-8") as f, open(sys.argv[2], "w", encoding="utf-8") as out:
    for line in f:
        line = line.strip()
        if line.startswith("{"):
            d = json.loads(line)
            if d.get("reverse"):
                line = "/reverse?" + urllib.parse.urlencode({"lat": d["lat"], "lon": d["lon"]})
            else:
                params = {"q": d["q"], "limit": 5}
                params.update({k: d[k] for k in ("lat", "lon", "type", "citycode") if k in d})
                if "autocomplete" in d:
                    params["autocomplete"] = int(bool(d["autocomplete"]))
                line = "/search?" + urllib.parse.urlencode(params, quote_via=urllib.parse.quote)
        if line:
            out.write(line + "\n")
