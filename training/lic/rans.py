"""Reference rANS coder with 16-bit CDFs and an escape (bypass) code, exactly as docs/entropy-coding.md.

rANS is J. Duda's range variant of asymmetric numeral systems ("Asymmetric numeral systems: entropy
coding combining speed of Huffman coding with compression rate of arithmetic coding", 2013); the
32-bit state / 16-bit word layout and the escape of out-of-range values in 4-bit chunks follow the
scheme CompressAI's RansInterleaved coder uses (Begaint et al. 2020, "CompressAI"), written down
byte for byte in the spec so that the Java coder produces identical streams.

Public API:
    encode(symbols, cdf_indexes, cdfs, cdf_sizes, offsets) -> bytes
    decode(data, cdf_indexes, cdfs, cdf_sizes, offsets) -> np.int32 array
`cdfs` may also be a prepared `CdfTables` (then sizes/offsets are taken from it); preparing once
validates the tables once, which is what "reject tables when they are loaded" means here.
"""
from bisect import bisect_right

import numpy as np

from .errors import CorruptBitstream, InvalidPack

PRECISION = 16
TOTAL = 1 << PRECISION
L = 1 << 16            # lower bound of the normalised state
BYPASS_BITS = 4
MAX_CHUNKS = 9         # raw < 2^33 -> at most 9 chunks of 4 bits
INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1


class CorruptStream(CorruptBitstream):
    """The stream fails an integrity check of docs/entropy-coding.md."""


class InvalidTables(InvalidPack, ValueError):
    """A CDF table breaks the REQUIRES of docs/entropy-coding.md."""


class CdfTables:
    """Validated CDF tables in the two forms the coder needs.

    lists[t]   the CDF of table t as a Python list (bisect in the decoder)
    padded     int64 [T, max_size] (vectorised start/freq lookup in the encoder)
    max_value  int64 [T], the escape symbol of each table (= size - 2)
    offsets    int64 [T]
    """

    def __init__(self, cdfs, cdf_sizes=None, offsets=None):
        n = len(cdfs)
        if cdf_sizes is None:
            cdf_sizes = [len(c) for c in cdfs]
        if offsets is None:
            raise InvalidTables("offsets are required")
        if len(cdf_sizes) != n or len(offsets) != n:
            raise InvalidTables(f"{n} cdfs, {len(cdf_sizes)} sizes, {len(offsets)} offsets")
        self.lists = []
        for t in range(n):
            size = int(cdf_sizes[t])
            row = np.asarray(cdfs[t], dtype=np.int64)
            if size < 3 or size > TOTAL + 1 or row.ndim != 1 or row.shape[0] < size:
                raise InvalidTables(f"table {t}: bad size {size}")
            row = row[:size]
            if row[0] != 0 or row[-1] != TOTAL:
                raise InvalidTables(f"table {t}: cdf must run from 0 to {TOTAL}")
            if np.any(np.diff(row) <= 0):
                raise InvalidTables(f"table {t}: every symbol needs frequency >= 1")
            off = int(offsets[t])
            if not INT32_MIN <= off <= INT32_MAX:
                raise InvalidTables(f"table {t}: offset out of 32-bit range")
            self.lists.append(row.tolist())
        self.sizes = np.array([len(c) for c in self.lists], dtype=np.int64)
        self.max_value = self.sizes - 2
        self.offsets = np.array([int(o) for o in offsets], dtype=np.int64)
        self.padded = np.zeros((n, int(self.sizes.max()) if n else 1), dtype=np.int64)
        for t, c in enumerate(self.lists):
            self.padded[t, :len(c)] = c

    def __len__(self):
        return len(self.lists)


def _tables(cdfs, cdf_sizes, offsets):
    return cdfs if isinstance(cdfs, CdfTables) else CdfTables(cdfs, cdf_sizes, offsets)


def _indexes(cdf_indexes, n, tables):
    idx = np.asarray(cdf_indexes, dtype=np.int64).reshape(-1)
    if idx.shape[0] != n:
        raise ValueError(f"{n} symbols but {idx.shape[0]} cdf indexes")
    if n and (idx.min() < 0 or idx.max() >= len(tables)):
        raise ValueError("cdf index out of range")
    return idx


def _escape_chunks(raw):
    """The 4-bit operations after an escape symbol: chunk count (unary in 15s), then raw, low first."""
    n = 0 if raw == 0 else (int(raw).bit_length() + 3) // 4
    ops, m = [], n
    while m >= 15:
        ops.append(15)
        m -= 15
    ops.append(m)
    ops.extend((int(raw) >> (4 * k)) & 15 for k in range(n))
    return ops


def encode(symbols, cdf_indexes, cdfs, cdf_sizes=None, offsets=None):
    """Symbols (any int32) coded with tables cdfs[cdf_indexes[i]] -> bytes (docs/entropy-coding.md)."""
    tables = _tables(cdfs, cdf_sizes, offsets)
    sym = np.asarray(symbols, dtype=np.int64).reshape(-1)
    if sym.size and (sym.min() < INT32_MIN or sym.max() > INT32_MAX):
        raise ValueError("symbols must be 32-bit signed integers")
    idx = _indexes(cdf_indexes, sym.shape[0], tables)

    # Vectorised mapping symbol -> (start, freq) of the 16-bit operation; escapes use the last symbol.
    maxv = tables.max_value[idx]
    value = sym - tables.offsets[idx]
    below, above = value < 0, value >= maxv
    raw = np.where(below, -2 * value - 1, 2 * (value - maxv))
    esc = below | above
    value = np.where(esc, maxv, value)
    start = tables.padded[idx, value]
    freq = tables.padded[idx, value + 1] - start

    starts, freqs = start.tolist(), freq.tolist()
    bits = [PRECISION] * len(starts)
    esc_pos = np.nonzero(esc)[0]
    if esc_pos.size:
        # Splice the bypass operations in after each escape symbol (rare, so a Python loop is fine).
        s2, f2, b2, prev = [], [], [], 0
        for i in esc_pos.tolist():
            s2 += starts[prev:i + 1]
            f2 += freqs[prev:i + 1]
            b2 += bits[prev:i + 1]
            chunks = _escape_chunks(raw[i])
            s2 += chunks
            f2 += [1] * len(chunks)
            b2 += [BYPASS_BITS] * len(chunks)
            prev = i + 1
        starts, freqs, bits = s2 + starts[prev:], f2 + freqs[prev:], b2 + bits[prev:]

    return encode_ops(starts, freqs, bits)


def encode_ops(starts, freqs, bits):
    """Raw coder: operations (start, freq, bits) in decoder order -> bytes. Exposed so that test
    vectors can hold streams no symbol list produces (e.g. an escape with 10 chunks)."""
    # rANS runs backwards so that the decoder reads forwards.
    x, words = L, []
    for s, f, b in zip(reversed(starts), reversed(freqs), reversed(bits)):
        if x >= (f << (32 - b)):           # x_max = ((L >> bits) << 16) * freq
            words.append(x & 0xFFFF)
            x >>= 16
        q, r = divmod(x, f)
        x = (q << b) + r + s
    words.append(x & 0xFFFF)
    words.append(x >> 16)
    return np.array(words[::-1], dtype="<u2").tobytes()


def decode(data, cdf_indexes, cdfs, cdf_sizes=None, offsets=None):
    """Inverse of encode; raises CorruptStream when any integrity check of the spec fails."""
    tables = _tables(cdfs, cdf_sizes, offsets)
    idx = np.asarray(cdf_indexes, dtype=np.int64).reshape(-1)
    n = idx.shape[0]
    idx = _indexes(idx, n, tables)
    data = bytes(data)
    if len(data) < 4 or len(data) % 2:
        raise CorruptStream(f"rANS stream of {len(data)} bytes (must be even and >= 4)")
    words = np.frombuffer(data, dtype="<u2").tolist()
    nw = len(words)
    x, pos = (words[0] << 16) | words[1], 2
    lists, maxv = tables.lists, tables.max_value.tolist()
    values = [0] * n
    for i, t in enumerate(idx.tolist()):
        cdf = lists[t]
        slot = x & 0xFFFF
        s = bisect_right(cdf, slot) - 1
        st = cdf[s]
        x = (cdf[s + 1] - st) * (x >> 16) + slot - st
        if x < L:
            if pos >= nw:
                raise CorruptStream("rANS stream ends early")
            x = (x << 16) | words[pos]
            pos += 1
        if s != maxv[t]:
            values[i] = s
            continue
        # Escape: chunk count, then the raw chunks, each a 4-bit operation of frequency 1.
        count, chunks, raw = 0, None, 0
        while True:
            c = x & 15
            x >>= 4
            if x < L:
                if pos >= nw:
                    raise CorruptStream("rANS stream ends early")
                x = (x << 16) | words[pos]
                pos += 1
            if chunks is None:
                count += c
                if count > MAX_CHUNKS:
                    raise CorruptStream("escape with more than 9 chunks")
                if c == 15:
                    continue
                chunks = 0
            else:
                raw |= c << (4 * chunks)
                chunks += 1
            if chunks == count:
                break
        values[i] = -((raw + 1) >> 1) if raw & 1 else s + (raw >> 1)
    if pos != nw:
        raise CorruptStream(f"{nw - pos} words left after the last symbol")
    if x != L:
        raise CorruptStream("final rANS state differs from the initial state")
    out = np.array(values, dtype=np.int64) + tables.offsets[idx]
    if n and (out.min() < INT32_MIN or out.max() > INT32_MAX):
        raise CorruptStream("decoded symbol outside the 32-bit range")
    return out.astype(np.int32)


def ideal_bits(symbols, cdf_indexes, cdfs, cdf_sizes=None, offsets=None):
    """Code length in bits the tables assign to the symbols (sum of -log2(freq/2^16), plus 4 bits per
    bypass chunk of escapes): what encode() achieves up to the 32-bit final state and word rounding."""
    tables = _tables(cdfs, cdf_sizes, offsets)
    sym = np.asarray(symbols, dtype=np.int64).reshape(-1)
    idx = _indexes(cdf_indexes, sym.shape[0], tables)
    maxv = tables.max_value[idx]
    value = sym - tables.offsets[idx]
    below, above = value < 0, value >= maxv
    raw = np.where(below, -2 * value - 1, 2 * (value - maxv))
    esc = below | above
    value = np.where(esc, maxv, value)
    freq = tables.padded[idx, value + 1] - tables.padded[idx, value]
    bits = float(np.sum(PRECISION - np.log2(freq)))
    bits += sum(BYPASS_BITS * len(_escape_chunks(r)) for r in raw[esc].tolist())
    return bits
