"""Quantised CDF tables for the rANS coder and the `entropy_tables.bin` file (docs/codec-pack.md).

z: one table per channel from the learned factorized density (Balle et al. 2018, "Variational image
   compression with a scale hyperprior"), over the integer range that holds all but ~1e-9 of its mass.
y: zero-mean discretised Gaussians N(0, s_k) * U(-1/2, 1/2) for a log-spaced scale table, selected per
   symbol by the integer hyper-synthesis output (Minnen et al. 2018 mean-scale prior; the scale table
   and "round the scale up" rule are CompressAI's, Begaint et al. 2020).

Tables are computed here once, in float64, and stored; decoders only read them.
"""
import heapq
import math
import struct
from dataclasses import dataclass, field

import numpy as np
import torch

from .errors import InvalidPack
from .rans import PRECISION, TOTAL, CdfTables, InvalidTables

MAGIC = b"LICE"
VERSION = 1
TAIL_MASS = 1e-9
SCALE_MIN, SCALE_MAX, SCALE_LEVELS = 0.11, 256.0, 64
MAX_TABLE_SIZE = TOTAL + 1


def quantize_pmf(pmf):
    """Probabilities of symbols 0..n-1 (the last one the escape) -> CDF int64[n+1], 0 .. 2^16.

    Every frequency is >= 1 and they sum to exactly 2^16. After rounding, the few units of excess or
    deficit are moved greedily where they cost the least expected code length (sum p_i log2 1/f_i),
    which is better than CompressAI's "steal from the largest" when tails are long.
    """
    p = np.asarray(pmf, dtype=np.float64)
    n = p.shape[0]
    if n < 2 or n > TOTAL:
        raise ValueError(f"cannot quantise {n} symbols to {PRECISION} bits")
    if not np.all(np.isfinite(p)) or p.min() < 0 or p.sum() <= 0:
        raise ValueError("pmf must be finite and non-negative")
    p = p / p.sum()
    f = np.maximum(1, np.floor(p * TOTAL + 0.5)).astype(np.int64)
    diff = TOTAL - int(f.sum())
    if diff > 0:
        # Add units where the gain p_i * log2((f_i+1)/f_i) is largest.
        heap = [(-p[i] * math.log2((f[i] + 1) / f[i]), i) for i in range(n)]
        heapq.heapify(heap)
        for _ in range(diff):
            _, i = heapq.heappop(heap)
            f[i] += 1
            heapq.heappush(heap, (-p[i] * math.log2((f[i] + 1) / f[i]), i))
    elif diff < 0:
        # Take units where the loss p_i * log2(f_i/(f_i-1)) is smallest; never below 1.
        heap = [(p[i] * math.log2(f[i] / (f[i] - 1)), i) for i in range(n) if f[i] > 1]
        heapq.heapify(heap)
        for _ in range(-diff):
            _, i = heapq.heappop(heap)
            f[i] -= 1
            if f[i] > 1:
                heapq.heappush(heap, (p[i] * math.log2(f[i] / (f[i] - 1)), i))
    cdf = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(f, out=cdf[1:])
    assert cdf[-1] == TOTAL and np.all(f >= 1)
    return cdf


# ---------------------------------------------------------------- y: Gaussian tables

def scale_table(lo=SCALE_MIN, hi=SCALE_MAX, levels=SCALE_LEVELS):
    """The log-spaced scales s_0 .. s_{L-1}."""
    return np.exp(np.linspace(math.log(lo), math.log(hi), levels))


def thresholds(scales, frac_bits):
    """T[j] = round(c_j * 2^F), c_j the crossover scale between tables j and j+1.

    The decoder's rule k = #{j : scale_q > T[j]} then picks, for every predicted scale, the table with
    the lower expected code length. CompressAI's rule (T[j] = s_j, "round the scale up") cost ~3 % of
    the y rate with 64 levels on Kodak; the crossover rule costs ~0.1 % (docs/codec-pack.md).
    """
    scales = np.asarray(scales, dtype=np.float64)
    c = np.array([_crossover(scales[j], scales[j + 1]) for j in range(len(scales) - 1)])
    t = np.floor(c * (1 << frac_bits) + 0.5).astype(np.int64)
    if np.any(np.diff(t) <= 0):
        raise ValueError("scale thresholds collide; use more fraction bits or fewer levels")
    return t


def cross_entropy_bits(s, a):
    """Expected code length (bits) of q ~ discretised N(0, s) coded with the discretised N(0, a)."""
    h = int(math.ceil(max(s, a) * 8)) + 2
    q = np.arange(-h, h + 1)
    ps = gaussian_likelihood_np(q, s)
    pa = np.maximum(gaussian_likelihood_np(q, a), 1e-300)
    return float(-(ps * np.log2(pa)).sum())


def _crossover(a, b):
    """The scale in (a, b) at which coding with N(0, a) and with N(0, b) cost the same (bisection)."""
    lo, hi = a, b
    for _ in range(60):
        mid = math.sqrt(lo * hi)
        if cross_entropy_bits(mid, a) < cross_entropy_bits(mid, b):
            lo = mid
        else:
            hi = mid
    return math.sqrt(lo * hi)


def gaussian_table(scale, tail_mass=TAIL_MASS):
    """(offset, cdf) of the discretised N(0, scale) over [-h, h] plus escape, h covering 1-tail_mass."""
    # P(|q| > h) = erfc((h + 1/2) / (s sqrt 2)); h = ceil(s * 6.1) gives < 1e-9 (CompressAI's bound).
    z = _std_normal_quantile(tail_mass / 2)
    h = max(1, int(math.ceil(scale * z)))
    if 2 * h + 3 > MAX_TABLE_SIZE:
        raise ValueError(f"scale {scale} needs a table larger than {MAX_TABLE_SIZE}")
    a = np.abs(np.arange(-h, h + 1, dtype=np.float64))
    r = scale * math.sqrt(2.0)
    erfc = np.frompyfunc(math.erfc, 1, 1)
    # Difference of upper-tail probabilities: accurate far out in the tails.
    pmf = 0.5 * (erfc((a - 0.5) / r).astype(np.float64) - erfc((a + 0.5) / r).astype(np.float64))
    pmf[a == 0] = math.erf(0.5 / r)
    tail = math.erfc((h + 0.5) / r)
    return -h, quantize_pmf(np.append(pmf, tail))


def gaussian_likelihood_np(q, scale):
    """P(q) under N(0, scale) * U(-1/2, 1/2), float64, for rate estimates."""
    a = np.abs(np.asarray(q, dtype=np.float64))
    r = np.asarray(scale, dtype=np.float64) * math.sqrt(2.0)
    t = torch.from_numpy(np.broadcast_to(a, np.broadcast(a, r).shape).copy())
    rt = torch.from_numpy(np.broadcast_to(r, t.shape).copy())
    p = 0.5 * (torch.special.erfc((t - 0.5) / rt) - torch.special.erfc((t + 0.5) / rt))
    return p.numpy()


def _std_normal_quantile(p):
    """Phi^-1(p) for small p, by bisection (no scipy here)."""
    lo, hi = -40.0, 0.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if 0.5 * math.erfc(-mid / math.sqrt(2)) < p:
            lo = mid
        else:
            hi = mid
    return -lo


# ---------------------------------------------------------------- z: factorized density tables

@torch.no_grad()
def factorized_tables(prior, tail_mass=TAIL_MASS, max_half=(MAX_TABLE_SIZE - 3) // 2):
    """One (offset, cdf) per channel of a lic.entropy.FactorizedPrior.

    The support is the integer range [lo, hi] outside of which the density has at most tail_mass/2 on
    each side; the escape symbol carries that outside mass. Evaluated in float64.
    """
    import copy
    prior = copy.deepcopy(prior).double().cpu()
    c = prior.channels
    logit_t = math.log(tail_mass / 2) - math.log1p(-tail_mass / 2)
    half = 64
    while True:
        v = torch.arange(-half, half + 2, dtype=torch.float64) - 0.5     # v - 1/2 for v in -half..half+1
        logits = prior.logits_cumulative(v.expand(c, 1, -1)).squeeze(1)   # (C, 2*half+2)
        ok_lo = bool((logits[:, 0] <= logit_t).all())
        ok_hi = bool((logits[:, -1] >= -logit_t).all())
        if (ok_lo and ok_hi) or half >= max_half:
            break
        half = min(2 * half, max_half)
    out = []
    ints = np.arange(-half, half + 2)
    for ch in range(c):
        lg = logits[ch].numpy()
        # lo = largest v with logit(v - 1/2) <= logit_t; hi = smallest v with logit(v + 1/2) >= -logit_t.
        below = np.nonzero(lg <= logit_t)[0]
        lo = int(ints[below[-1]]) if below.size else -half
        above = np.nonzero(lg >= -logit_t)[0]
        hi = int(ints[above[0]]) - 1 if above.size else half
        hi = max(hi, lo)
        lower = torch.from_numpy(lg[lo + half:hi + half + 1])       # logit(v - 1/2), v = lo..hi
        upper = torch.from_numpy(lg[lo + half + 1:hi + half + 2])   # logit(v + 1/2)
        sign = -torch.sign(lower + upper)
        pmf = torch.abs(torch.sigmoid(sign * upper) - torch.sigmoid(sign * lower)).numpy()
        tail = float(torch.sigmoid(torch.tensor(lg[lo + half])) + torch.sigmoid(torch.tensor(-lg[hi + half + 1])))
        out.append((lo, quantize_pmf(np.append(pmf, tail))))
    return out


# ---------------------------------------------------------------- the file

@dataclass
class EntropyTables:
    """Contents of entropy_tables.bin. Tables are (offset, int64 cdf) pairs."""
    z: list
    thresholds: np.ndarray
    y: list
    _coders: dict = field(default_factory=dict, repr=False, compare=False)

    def z_coder(self):
        if "z" not in self._coders:
            self._coders["z"] = _coder(self.z)
        return self._coders["z"]

    def y_coder(self):
        if "y" not in self._coders:
            self._coders["y"] = _coder(self.y)
        return self._coders["y"]

    def scale_index(self, scale_q):
        """k = #{j : scale_q > T[j]} (docs/bitstream.md, y section step 2)."""
        return np.searchsorted(self.thresholds, np.asarray(scale_q, dtype=np.int64), side="left").astype(np.int32)

    def to_bytes(self):
        parts = [MAGIC, struct.pack("<III", VERSION, PRECISION, len(self.z))]
        parts += [_table_bytes(o, c) for o, c in self.z]
        parts.append(struct.pack("<I", len(self.y)))
        parts.append(np.asarray(self.thresholds, dtype="<i4").tobytes())
        parts += [_table_bytes(o, c) for o, c in self.y]
        return b"".join(parts)

    def write(self, path):
        with open(path, "wb") as f:
            f.write(self.to_bytes())

    @staticmethod
    def read(path):
        with open(path, "rb") as f:
            return EntropyTables.from_bytes(f.read())

    @staticmethod
    def from_bytes(data):
        """Parse and validate (raises InvalidPack naming entropy_tables.bin)."""
        r = _Reader(data)
        if r.take(4) != MAGIC:
            raise _bad("bad magic")
        version, precision, nz = r.u32(), r.u32(), r.u32()
        if version != VERSION:
            raise _bad(f"version {version}")
        if precision != PRECISION:
            raise _bad(f"precision {precision}")
        z = [r.table() for _ in range(nz)]
        nl = r.u32()
        if not 2 <= nl <= 256:
            raise _bad(f"{nl} y tables (must be 2..256)")
        t = np.frombuffer(r.take(4 * (nl - 1)), dtype="<i4").astype(np.int64)
        if np.any(np.diff(t) <= 0):
            raise _bad("thresholds not strictly increasing")
        y = [r.table() for _ in range(nl)]
        if r.pos != len(data):
            raise _bad(f"{len(data) - r.pos} trailing bytes")
        tables = EntropyTables(z, t, y)
        try:   # validates every table (REQUIRES of docs/entropy-coding.md)
            tables.z_coder()
            tables.y_coder()
        except InvalidTables as e:
            raise _bad(str(e)) from None
        return tables


def build(prior, frac_bits, scales=None, tail_mass=TAIL_MASS):
    """All tables of a codec: z from the factorized prior, y from the scale table."""
    scales = scale_table() if scales is None else np.asarray(scales)
    return EntropyTables(factorized_tables(prior, tail_mass), thresholds(scales, frac_bits),
                         [gaussian_table(float(s), tail_mass) for s in scales])


def _coder(tables):
    return CdfTables([c for _, c in tables], None, [o for o, _ in tables])


def _table_bytes(offset, cdf):
    cdf = np.asarray(cdf, dtype=np.int64)
    return struct.pack("<iI", int(offset), cdf.shape[0]) + cdf.astype("<u4").tobytes()


def _bad(msg):
    return InvalidPack(f"entropy_tables.bin: {msg}")


class _Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, n):
        if n < 0 or self.pos + n > len(self.data):
            raise _bad("truncated")
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def u32(self):
        return struct.unpack("<I", self.take(4))[0]

    def table(self):
        offset = struct.unpack("<i", self.take(4))[0]
        size = self.u32()
        if not 3 <= size <= MAX_TABLE_SIZE:
            raise _bad(f"table size {size}")
        cdf = np.frombuffer(self.take(4 * size), dtype="<u4").astype(np.int64)
        return offset, cdf
