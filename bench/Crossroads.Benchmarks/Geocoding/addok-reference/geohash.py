B32 = "0123456789bcdefghjkmnpqrstuvwxyz"
def _bits(lat, lon, precision):
    nbits = precision * 5
    latr, lonr = [-90.0, 90.0], [-180.0, 180.0]
    v = 0
    for i in range(nbits):
        if i % 2 == 0:
            mid = (lonr[0] + lonr[1]) / 2
            if lon >= mid: v = (v << 1) | 1; lonr[0] = mid
            else: v = v << 1; lonr[1] = mid
        else:
            mid = (latr[0] + latr[1]) / 2
            if lat >= mid: v = (v << 1) | 1; latr[0] = mid
            else: v = v << 1; latr[1] = mid
    return v
def _str(v, precision):
    return "".join(B32[(v >> (5 * (precision - 1 - i))) & 31] for i in range(precision))
def encode(lat, lon, precision=12):
    return _str(_bits(lat, lon, precision), precision)
def _split(h):
    v = 0
    for c in h: v = (v << 5) | B32.index(c)
    n = len(h) * 5
    lo = la = 0
    for i in range(n):
        bit = (v >> (n - 1 - i)) & 1
        if i % 2 == 0: lo = (lo << 1) | bit
        else: la = (la << 1) | bit
    return la, lo, (n + 1) // 2, n // 2
def _join(la, lo, lonbits, latbits, precision):
    n = precision * 5; v = 0; il = lonbits - 1; ia = latbits - 1
    for i in range(n):
        if i % 2 == 0: v = (v << 1) | ((lo >> il) & 1); il -= 1
        else: v = (v << 1) | ((la >> ia) & 1); ia -= 1
    return _str(v, precision)
def expand(h):
    la, lo, lonbits, latbits = _split(h)
    out = []
    for dla in (-1, 0, 1):
        a = la + dla
        if a < 0 or a >= (1 << latbits): continue
        for dlo in (-1, 0, 1):
            o = (lo + dlo) % (1 << lonbits)
            out.append(_join(a, o, lonbits, latbits, len(h)))
    return out
