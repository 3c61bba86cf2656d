import glob
import json
import os

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from conftest import PACK, TV
from lic import inthyper
from lic.codec import hyper_params, pad_image
from lic.errors import InvalidPack
from lic.make_test_vectors import synthetic_image
from lic.inthyper import CONV, TCONV, IntHyperNet, Layer


def random_net(rng, specs, n_in):
    layers, ci = [], n_in
    for kind, k, s, p, op, co, relu in specs:
        layers.append(Layer(kind, k, s, p, op, 0 if relu else -(1 << 20), 255 if relu else 1 << 20,
                            rng.integers(-127, 128, (co, ci, k, k)).astype(np.int8),
                            rng.integers(-5000, 5000, co).astype(np.int32),
                            rng.integers(1 << 14, 1 << 15, co).astype(np.int32),
                            rng.integers(14, 24, co).astype(np.uint8)))
        ci = co
    return IntHyperNet(n_in, 255, 8, layers)


def torch_reference(net, z):
    """Same network with torch's convolutions in float64 (exact for these integers)."""
    x = torch.from_numpy(np.clip(z, -net.Zc, net.Zc).astype(np.float64))[None]
    for l in net.layers:
        w = torch.from_numpy(l.weight.astype(np.float64))
        if l.kind == TCONV:   # PyTorch's transposed-conv weight is [in, out, k, k]
            acc = F.conv_transpose2d(x, w.transpose(0, 1), stride=l.S, padding=l.P, output_padding=l.OP)
        else:
            acc = F.conv2d(x, w, stride=l.S, padding=l.P)
        acc = acc[0].numpy().astype(np.int64) + l.bias.astype(np.int64)[:, None, None]
        m, s = l.multiplier.astype(np.int64)[:, None, None], l.shift.astype(np.int64)[:, None, None]
        x = torch.from_numpy(np.clip((acc * m + (1 << (s - 1))) >> s, l.out_min, l.out_max).astype(np.float64))[None]
    out = x[0].numpy().astype(np.int64)
    return out[:net.M], out[net.M:]


@pytest.mark.parametrize("seed", range(3))
def test_run_matches_torch_convolutions(seed):
    rng = np.random.default_rng(seed)
    # Geometry as the shipped h_s (x2, x2, 1x1) plus a stride-1 conv and a 3x3 transposed layer.
    specs = [(TCONV, 5, 2, 2, 1, 6, True), (CONV, 3, 1, 1, 0, 5, True), (TCONV, 3, 2, 1, 1, 7, True),
             (CONV, 1, 1, 0, 0, 8, False)]
    net = random_net(rng, specs, 4).validate()
    z = rng.integers(-300, 300, (4, 3, 5))
    s, m = inthyper.run(net, z)
    rs, rm = torch_reference(net, z)
    assert s.shape == (4, 12, 20) and np.array_equal(s, rs) and np.array_equal(m, rm)


def test_file_round_trip_and_accumulator_bound(tiny_pack):
    path = os.path.join(PACK, "codec", "hyper_synthesis.bin")
    with open(path, "rb") as f:
        data = f.read()
    net = IntHyperNet.from_bytes(data)
    assert net.to_bytes() == data and net.N == 16 and net.M == 24 and net.F == 8
    net.layers[1].bias[3] = (1 << 31) - 1          # breaks |bias| + sum|w| * 255 < 2^31
    with pytest.raises(InvalidPack, match="accumulator"):
        net.validate()
    for broken in (data[:-1], data + bytes(4), b"LICX" + data[4:]):
        with pytest.raises(InvalidPack):
            IntHyperNet.from_bytes(broken)


HYPER = sorted(glob.glob(os.path.join(TV, "hyper", "*.json")))


@pytest.mark.parametrize("path", HYPER, ids=os.path.basename)
def test_hyper_vectors_bit_exact(path, tiny_pack):
    with open(path) as f:
        v = json.load(f)
    assert v["codec_id"] == tiny_pack.codec_id
    z = np.array(v["z_hat"]["values"], dtype=np.int64).reshape(v["z_hat"]["shape"])
    k, mean_q, scale_q = hyper_params(tiny_pack, z)
    for name, arr in (("scale_q", scale_q), ("mean_q", mean_q), ("scale_index", k)):
        assert list(arr.shape) == v[name]["shape"]
        assert arr.reshape(-1).tolist() == v[name]["values"], name


def test_hyper_vectors_present():
    assert len(HYPER) >= 3


@torch.no_grad()
def test_integer_close_to_float(tiny_model, tiny_pack):
    zs = []
    for kind, seed in (("texture", 1), ("blocks", 2), ("gradient", 3)):
        x = pad_image(synthetic_image(kind, 256, 192, seed))
        zs.append(torch.floor(tiny_model.h_a(tiny_model.g_a(x)) + 0.5)[0])
    err = inthyper.compare(tiny_pack.net, tiny_model.h_s, zs)
    print("integer vs float h_s (tiny pack):", err)
    assert err["scale_mae"] < 0.03 * err["scale_mean_abs"]
    assert err["mean_mae"] < 0.03 * err["scale_mean_abs"]
