"""Variable-rate codec (version 2 packs): gains.bin, pack validation, encoder/synthesis graphs, rates, and
exact resume of lic.train_vr."""
import json
import os
import shutil

import numpy as np
import pytest
import torch

import onnx_eval
from conftest import KODAK, PACK_VR, SHIPPED_CHECKPOINT, SHIPPED_CODEC
from lic.codec import Encoder, decode, decode_latents, pad_image
from lic.errors import InvalidArgument, InvalidPack
from lic.evaluate import evaluate_image, psnr
from lic.gains import Gains
from lic.make_test_vectors import synthetic_image
from lic.pack import load_codec_pack


def _gains(r=3, m=5):
    g = np.linspace(0.5, 2.0, r * m, dtype=np.float32).reshape(r, m)
    return Gains(g, (1.0 / g).astype(np.float32))


def test_gains_round_trip_is_exact():
    g = _gains()
    back = Gains.from_bytes(g.to_bytes())
    assert back.gain.tobytes() == g.gain.tobytes() and back.inv_gain.tobytes() == g.inv_gain.tobytes()
    assert g.to_bytes()[:4] == b"LICG" and len(g.to_bytes()) == 16 + 8 * 3 * 5


@pytest.mark.parametrize("mutate,reason", [
    (lambda b: b"LICX" + b[4:], "magic"),
    (lambda b: b[:4] + (2).to_bytes(4, "little") + b[8:], "version"),
    (lambda b: b[:8] + (0).to_bytes(4, "little") + b[12:], "rates"),
    (lambda b: b[:8] + (65).to_bytes(4, "little") + b[12:], "rates"),
    (lambda b: b[:-4], "bytes"),
    (lambda b: b + b"\0\0\0\0", "bytes"),
    (lambda b: b[:16] + np.float32(np.nan).tobytes() + b[20:], "finite"),
    (lambda b: b[:16] + np.float32(0.0).tobytes() + b[20:], "finite"),
    (lambda b: b[:16] + np.float32(1e6).tobytes() + b[20:], "finite"),
    (lambda b: b[:8], "short"),
])
def test_gains_rejects_bad_files(mutate, reason):
    with pytest.raises(InvalidPack, match="gains.bin"):
        Gains.from_bytes(mutate(_gains().to_bytes()))


def _copy_pack(tmp_path, edit):
    dst = tmp_path / "codec"
    shutil.copytree(os.path.join(PACK_VR, "codec"), dst)
    with open(dst / "manifest.json") as f:
        m = json.load(f)
    edit(m)
    with open(dst / "manifest.json", "w") as f:
        json.dump(m, f)
    return str(dst)


@pytest.mark.parametrize("edit,message", [
    (lambda m: m.pop("default_rate"), "default_rate"),
    (lambda m: m.update(default_rate=99), "default_rate"),
    (lambda m: m["encoder"].pop("gain"), "encoder.gain"),
    (lambda m: m["rates"].pop(), "rates"),
    (lambda m: m["rates"].reverse(), "rates"),
    (lambda m: m["files"].pop("gains.bin"), "gains.bin"),
    (lambda m: m.update(format_version=3), "format_version"),
])
def test_version_2_manifest_checks(tmp_path, edit, message):
    with pytest.raises(InvalidPack, match=message):
        load_codec_pack(_copy_pack(tmp_path, edit))


def test_test_pack_graphs_compute_the_model(tiny_vr_model, tiny_vr_pack):
    """encoder.onnx (image, gain) and the human synthesis.onnx of the v2 test pack, run by the tests' own
    ONNX interpreter, equal the torch model at two rates."""
    model = tiny_vr_model
    x = pad_image(synthetic_image("texture", 100, 70, 3))
    for r in (0, tiny_vr_pack.gains.rates - 1):
        gain = tiny_vr_pack.gains.gain[r].reshape(1, -1, 1, 1)
        out = onnx_eval.run(os.path.join(PACK_VR, "codec", "encoder.onnx"), {"image": x.numpy(), "gain": gain})
        with torch.no_grad():
            y = model.g_a(x) * torch.from_numpy(gain)
            onnx_eval.assert_close(out["y"], y.numpy())
            onnx_eval.assert_close(out["z"], model.h_a(y).numpy())
            y_dec = torch.round(y) * torch.from_numpy(tiny_vr_pack.gains.inv_gain[r].reshape(1, -1, 1, 1))
            img = onnx_eval.run(os.path.join(PACK_VR, "human", "synthesis.onnx"), {"y_hat": y_dec.numpy()})
            onnx_eval.assert_close(img["image"], model.g_s(y_dec).numpy())
    assert "ConvTranspose" not in onnx_eval.op_types(os.path.join(PACK_VR, "human", "synthesis.onnx"))


def test_gains_in_the_pack_are_the_models(tiny_vr_model, tiny_vr_pack):
    assert np.array_equal(tiny_vr_pack.gains.gain, tiny_vr_model.log_gain.detach().exp().numpy())
    assert np.array_equal(tiny_vr_pack.gains.inv_gain, tiny_vr_model.log_inv_gain.detach().exp().numpy())


def test_rate_index_selects_gains_and_is_checked(tiny_vr_model, tiny_vr_pack):
    img = synthetic_image("blocks", 130, 90, 5)
    enc = Encoder(tiny_vr_model, tiny_vr_pack)
    data = enc.encode(img, rate_index=2)
    bs, lat, _ = decode_latents(tiny_vr_pack, data)
    assert bs.rate_index == 2
    assert enc.encode(img) != data and decode_latents(tiny_vr_pack, enc.encode(img))[0].rate_index == \
        tiny_vr_pack.default_rate
    assert decode(tiny_vr_pack, data, tiny_vr_model).shape == img.shape
    for bad in (-1, tiny_vr_pack.gains.rates):
        with pytest.raises(InvalidArgument):
            enc.encode(img, rate_index=bad)


@pytest.fixture(scope="module")
def shipped():
    from lic.train import load_model
    return load_model(SHIPPED_CHECKPOINT)[0], load_codec_pack(SHIPPED_CODEC)


@pytest.mark.skipif(not os.path.isdir(KODAK), reason="needs ../shared/data/kodak")
def test_shipped_rates_trade_size_for_quality(shipped):
    """Every rate of the shipped pack on a Kodak crop: real bitstreams, size and PSNR both rise with the
    rate index, and the real size stays within 3 % of the float model's estimate (+ header)."""
    from PIL import Image
    model, pack = shipped
    img = np.asarray(Image.open(os.path.join(KODAK, "kodim23.png")).convert("RGB"))[128:384, 256:512]
    rows = [evaluate_image(model, pack, img, rate_index=r) for r in sorted(pack.rate_indexes)]
    bpp = [r["bpp_real"] for r in rows]
    quality = [r["psnr"] for r in rows]
    assert bpp == sorted(bpp) and quality == sorted(quality), (bpp, quality)
    assert quality[0] > 25 and quality[-1] > quality[0] + 5, quality
    pixels = img.shape[0] * img.shape[1]
    for r in rows:
        est = r["bpp_est_float"] + 480 / pixels
        assert abs(r["bpp_real"] / est - 1) < 0.03, (r["bpp_real"], est)


def test_synthetic_pool_is_seeded_and_colourful():
    from lic import synthetic
    a = synthetic.make_pool(3, 128, seed=4)
    b = synthetic.make_pool(3, 128, seed=4)
    assert [im.tobytes() for im in a] == [im.tobytes() for im in b]
    hsv = np.concatenate([np.asarray(im.convert("HSV")).reshape(-1, 3) for im in a])
    assert np.mean(hsv[:, 1] > 128) > 0.2          # saturated colour is common, unlike in photos


def test_train_vr_resumes_exactly(tmp_path):
    """2 steps + resume + 2 steps gives the same weights as 4 steps in one go (optimizer, schedule, RNG)."""
    from lic import train_vr
    from conftest import REPO
    photos = os.path.join(REPO, "..", "shared", "data", "photos")
    if not os.path.isdir(photos):
        pytest.skip("needs ../shared/data/photos")
    common = ["--data", photos, "--max-images", "6", "--N", "8", "--M", "8", "--analysis", "8",
              "--widths", "8,8,8", "--batch", "2", "--crop", "64", "--steps", "4", "--warmup", "2",
              "--kodak", "", "--synthetic", "0.5", "--synthetic-count", "3", "--threads", "1", "--device", "cpu",
              "--phase1", "0.5", "--log-every", "1", "--save-minutes", "100"]
    train_vr.main(common + ["--out", str(tmp_path / "a")])
    train_vr.main(common + ["--out", str(tmp_path / "b"), "--run-steps", "2"])
    train_vr.main(common + ["--out", str(tmp_path / "b")])
    a_ck, b_ck = torch.load(tmp_path / "a" / "checkpoint.pt"), torch.load(tmp_path / "b" / "checkpoint.pt")
    a, b = a_ck["model"], b_ck["model"]
    assert a.keys() == b.keys()
    for k in a:
        assert torch.equal(a[k], b[k]), k
    assert a_ck["pixels_seen"] == b_ck["pixels_seen"] == 4 * 2 * 64 * 64
    # a continuation with another batch size counts its own steps' pixels on top of the recorded ones
    train_vr.main(common + ["--out", str(tmp_path / "b"), "--batch", "1", "--steps", "5"])
    assert torch.load(tmp_path / "b" / "checkpoint.pt")["pixels_seen"] == 4 * 2 * 64 * 64 + 1 * 64 * 64
