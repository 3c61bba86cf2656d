import os
import struct

import numpy as np
import pytest

from conftest import PACK
from lic import tables
from lic.errors import InvalidPack


@pytest.mark.parametrize("seed", range(5))
def test_quantize_pmf_sums_and_minimum(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 5000))
    p = rng.exponential(1.0, n) ** 6            # very uneven, many tiny probabilities
    cdf = tables.quantize_pmf(p)
    f = np.diff(cdf)
    assert cdf[0] == 0 and cdf[-1] == 65536 and f.min() >= 1 and len(cdf) == n + 1
    # Close to the ideal: the minimum frequency of n symbols takes at most n/2^16 of the mass, which
    # costs at most -log2(1 - n/2^16) bits per symbol; rounding adds a little.
    q = p / p.sum()
    h = -(q * np.log2(np.maximum(q, 1e-300))).sum()
    assert -(q * np.log2(f / 65536)).sum() <= h - np.log2(1 - n / 65536) + 0.01


def test_quantize_pmf_limits():
    assert np.diff(tables.quantize_pmf(np.ones(65536))).tolist() == [1] * 65536
    with pytest.raises(ValueError):
        tables.quantize_pmf(np.ones(65537))


def test_gaussian_tables_and_thresholds():
    s = tables.scale_table()
    assert len(s) == 64 and abs(s[0] - 0.11) < 1e-12 and abs(s[-1] - 256) < 1e-9
    off, cdf = tables.gaussian_table(256.0)
    assert len(cdf) <= 65537 and off == -(len(cdf) - 3) // 2
    t = tables.thresholds(s, 8)
    assert len(t) == 63 and np.all(np.diff(t) > 0)
    # Each threshold lies between its two table scales (crossover rule of docs/codec-pack.md).
    assert np.all(t >= np.floor(s[:-1] * 256)) and np.all(t <= np.ceil(s[1:] * 256))
    # At the crossover both tables cost the same; below it the smaller table is cheaper.
    c = t[20] / 256
    a, b = tables.cross_entropy_bits(c, s[20]), tables.cross_entropy_bits(c, s[21])
    assert abs(a - b) < 1e-3 * a
    assert tables.cross_entropy_bits(s[20] * 1.01, s[20]) < tables.cross_entropy_bits(s[20] * 1.01, s[21])


def test_file_round_trip_and_validation():
    path = os.path.join(PACK, "codec", "entropy_tables.bin")
    with open(path, "rb") as f:
        data = f.read()
    t = tables.EntropyTables.from_bytes(data)
    assert t.to_bytes() == data and len(t.y) == 64 and len(t.thresholds) == 63
    # scale index: k = #{j : scale_q > T[j]}
    assert t.scale_index([t.thresholds[0], t.thresholds[0] + 1, -5, 10 ** 9]).tolist() == [0, 1, 0, 63]
    # Break the first z table (cdf[1] = 0: a zero frequency) -> rejected when loaded.
    bad = bytearray(data)
    struct.pack_into("<I", bad, 16 + 8 + 4, 0)
    with pytest.raises(InvalidPack, match="entropy_tables.bin"):
        tables.EntropyTables.from_bytes(bytes(bad))
    for broken in (data[:-4], data + b"\0\0\0\0", b"LICX" + data[4:]):
        with pytest.raises(InvalidPack):
            tables.EntropyTables.from_bytes(broken)


def test_factorized_tables_cover_the_density(tiny_model):
    zt = tables.factorized_tables(tiny_model.z_prior)
    assert len(zt) == tiny_model.N
    for off, cdf in zt:
        # the escape carries ~1e-9 of mass: frequency 1 (the minimum)
        assert cdf[-1] - cdf[-2] == 1 and len(cdf) <= 65537
