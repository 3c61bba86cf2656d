import glob
import json
import os

import numpy as np
import pytest

from conftest import TV
from lic import rans

I32_MIN, I32_MAX = -(1 << 31), (1 << 31) - 1


def random_tables(rng, count):
    cdfs, offsets = [], []
    for _ in range(count):
        n = int(rng.integers(2, 300))
        f = rng.exponential(1.0, n) ** 3 + 1e-7
        f = np.maximum(1, np.floor(f / f.sum() * 65536)).astype(np.int64)
        f[np.argmax(f)] += 65536 - f.sum()
        cdfs.append([0] + np.cumsum(f).tolist())
        offsets.append(int(rng.integers(-200, 200)))
    return cdfs, offsets


def spec_encode(symbols, indexes, cdfs, offsets):
    """docs/entropy-coding.md read literally, one operation at a time (independent of rans.encode)."""
    ops = []
    for s, t in zip(symbols, indexes):
        cdf, maxv = cdfs[t], len(cdfs[t]) - 2
        value = s - offsets[t]
        raw = None
        if value < 0:
            raw, value = -2 * value - 1, maxv
        elif value >= maxv:
            raw, value = 2 * (value - maxv), maxv
        ops.append((cdf[value], cdf[value + 1] - cdf[value], 16))
        if value == maxv:
            n = 0 if raw == 0 else -(-raw.bit_length() // 4)
            m = n
            while m >= 15:
                ops.append((15, 1, 4))
                m -= 15
            ops.append((m, 1, 4))
            ops += [((raw >> (4 * k)) & 15, 1, 4) for k in range(n)]
    x, out = 1 << 16, []
    for start, freq, bits in reversed(ops):
        x_max = (((1 << 16) >> bits) << 16) * freq
        while x >= x_max:
            out.append(x & 0xFFFF)
            x >>= 16
        x = ((x // freq) << bits) + (x % freq) + start
    words = [x >> 16, x & 0xFFFF] + out[::-1]
    return b"".join(w.to_bytes(2, "little") for w in words)


@pytest.mark.parametrize("seed", range(6))
def test_round_trip_random_tables_with_escapes(seed):
    rng = np.random.default_rng(seed)
    cdfs, offsets = random_tables(rng, 5)
    n = 3000
    idx = rng.integers(0, 5, n)
    sym = np.array(offsets)[idx] + rng.integers(-40, 340, n)           # many escapes both ways
    sym[rng.integers(0, n, 20)] = rng.choice([I32_MIN, I32_MAX, 0, -1], 20)
    data = rans.encode(sym, idx, cdfs, None, offsets)
    assert data == spec_encode(sym.tolist(), idx.tolist(), cdfs, offsets)
    assert np.array_equal(rans.decode(data, idx, cdfs, None, offsets), sym)


def test_padded_table_array_and_sizes():
    rng = np.random.default_rng(9)
    cdfs, offsets = random_tables(rng, 3)
    padded = np.zeros((3, max(map(len, cdfs)) + 5), np.int32)
    for t, c in enumerate(cdfs):
        padded[t, :len(c)] = c
    sizes = [len(c) for c in cdfs]
    sym, idx = rng.integers(-300, 300, 500), rng.integers(0, 3, 500)
    data = rans.encode(sym, idx, padded, sizes, offsets)
    assert data == rans.encode(sym, idx, cdfs, None, offsets)
    assert np.array_equal(rans.decode(data, idx, padded, sizes, offsets), sym)


def test_empty_list_is_initial_state():
    cdfs, offsets = [[0, 65535, 65536]], [0]
    assert rans.encode([], [], cdfs, None, offsets) == bytes.fromhex("01000000")
    assert rans.decode(bytes.fromhex("01000000"), [], cdfs, None, offsets).size == 0


def test_ideal_bits_match_stream_length():
    rng = np.random.default_rng(3)
    cdfs, offsets = random_tables(rng, 4)
    idx = rng.integers(0, 4, 20000)
    # Symbols drawn from the tables themselves, so the ideal length is what a coder should reach.
    u = rng.integers(0, 65536, idx.size)
    value = np.array([np.searchsorted(cdfs[t], x, side="right") - 1 for t, x in zip(idx, u)])
    sym = np.array(offsets)[idx] + value
    bits = rans.ideal_bits(sym, idx, cdfs, None, offsets)
    real = len(rans.encode(sym, idx, cdfs, None, offsets)) * 8
    assert abs(real - bits) <= 0.01 * bits + 64


def _load(path):
    with open(path) as f:
        return json.load(f)


VALID = sorted(glob.glob(os.path.join(TV, "rans", "valid", "*.json")))
INVALID = sorted(glob.glob(os.path.join(TV, "rans", "invalid_streams", "*.json")))


def test_vectors_present():
    assert len(VALID) >= 7 and len(INVALID) >= 10


@pytest.mark.parametrize("path", VALID, ids=os.path.basename)
def test_rans_vector_exact_bytes(path):
    v = _load(path)
    data = rans.encode(v["symbols"], v["indexes"], v["cdfs"], v["cdf_sizes"], v["offsets"])
    assert data.hex() == v["hex"]
    assert data == spec_encode(v["symbols"], v["indexes"], v["cdfs"], v["offsets"])
    assert rans.decode(data, v["indexes"], v["cdfs"], v["cdf_sizes"], v["offsets"]).tolist() == v["symbols"]


@pytest.mark.parametrize("path", INVALID, ids=os.path.basename)
def test_rans_invalid_stream(path):
    v = _load(path)
    assert v["error"] == "CORRUPT_BITSTREAM"
    with pytest.raises(rans.CorruptStream) as e:
        rans.decode(bytes.fromhex(v["hex"]), v["indexes"], v["cdfs"], v["cdf_sizes"], v["offsets"])
    assert e.value.kind == "CORRUPT_BITSTREAM"


def test_invalid_tables_rejected_at_load():
    cases = _load(os.path.join(TV, "rans", "invalid_tables.json"))
    assert len(cases) >= 5
    for name, v in cases.items():
        with pytest.raises(rans.InvalidTables):
            rans.CdfTables([v["cdf"]], None, [0])
    with pytest.raises(ValueError):
        rans.encode([0], [1], [[0, 65535, 65536]], None, [0])      # index out of range
