"""The training paths on the CPU, a few steps each on a tiny model and tiny photos."""
import argparse
import json
import os

import numpy as np
import pytest
import torch
from PIL import Image

from lic import train
from lic.data import CropSampler, GpuCropSampler
from lic.model import HyperpriorCodec

TINY = ["--N", "8", "--M", "8", "--batch", "2", "--crop", "64", "--threads", "1", "--device", "cpu"]


@pytest.fixture(scope="module")
def photos(tmp_path_factory):
    d = tmp_path_factory.mktemp("photos")
    rng = np.random.default_rng(0)
    for i, (w, h) in enumerate([(80, 60), (64, 96), (40, 30)]):    # the last one is smaller than 64
        y, x = np.mgrid[0:h, 0:w]
        img = np.stack([x * 3 % 256, y * 5 % 256, (x + y) % 256], -1) + rng.integers(0, 20, (h, w, 3))
        Image.fromarray(np.clip(img, 0, 255).astype(np.uint8)).save(d / f"p{i}.png")
    return str(d)


def _log(out):
    with open(os.path.join(out, "log.jsonl")) as f:
        return [json.loads(line) for line in f]


def test_default_schedule_unchanged():
    a = argparse.Namespace(lr=3e-4, steps=8000)             # an old-style args object
    assert train.learning_rate(0, a) == 3e-4 and train.learning_rate(6799, a) == 3e-4
    assert train.learning_rate(6800, a) == pytest.approx(3e-5)
    b = train.build_parser().parse_args(["--out", "x", "--lr", "3e-4", "--steps", "8000"])
    assert all(train.learning_rate(s, a) == train.learning_rate(s, b) for s in (0, 100, 6799, 6800, 7999))


def test_cosine_with_warmup():
    a = train.build_parser().parse_args(["--out", "x", "--lr", "1e-3", "--steps", "110", "--lr-schedule", "cosine",
                                         "--warmup", "10", "--lr-min", "1e-5"])
    assert train.learning_rate(0, a) == pytest.approx(1e-4)
    assert train.learning_rate(9, a) == pytest.approx(1e-3)
    assert train.learning_rate(10, a) == pytest.approx(1e-3)
    assert train.learning_rate(60, a) == pytest.approx(1e-5 + 0.5 * (1e-3 - 1e-5))
    assert train.learning_rate(110, a) == pytest.approx(1e-5)
    lrs = [train.learning_rate(s, a) for s in range(10, 111)]
    assert all(x >= y for x, y in zip(lrs, lrs[1:]))


def test_resume_continues_steps_and_schedule(photos, tmp_path):
    out = str(tmp_path / "run")
    common = ["--data", photos, "--out", out, "--steps", "6", "--log-every", "1", "--save-every", "100",
              "--lr", "1e-3", "--lr-schedule", "cosine", "--warmup", "2"] + TINY
    s1 = train.main(common + ["--run-steps", "4"])
    assert s1["stopped"] == "--run-steps 4" and s1["step"] == 4
    ck = torch.load(os.path.join(out, "checkpoint.pt"))
    assert sorted(ck) == ["config", "lambda", "model", "optimizer", "step"] and ck["step"] == 4
    s2 = train.main(common)
    assert s2["stopped"] == "done" and s2["step"] == 6 and s2["steps_this_run"] == 2
    log = _log(out)
    assert [r["step"] for r in log] == [1, 2, 3, 4, 5, 6]
    args = train.build_parser().parse_args(common)
    assert [r["lr"] for r in log] == pytest.approx([train.learning_rate(s, args) for s in range(6)])
    assert all("it_per_s" in r and "crops_per_s" in r for r in log)
    assert torch.load(os.path.join(out, "checkpoint.pt"))["step"] == 6


def test_max_minutes_stops_cleanly(photos, tmp_path):
    out = str(tmp_path / "run")
    budget_min = 0.05                                              # 3 s, startup included
    s = train.main(["--data", photos, "--out", out, "--steps", "1000000", "--max-minutes", str(budget_min),
                    "--save-every", "1000000", "--save-half", str(tmp_path / "half.pt")] + TINY)
    assert s["stopped"].startswith("--max-minutes") and 0 < s["step"] < 1000000
    assert s["seconds"] < budget_min * 60
    if s["step"]:
        assert torch.load(os.path.join(out, "checkpoint.pt"))["step"] == s["step"]
        half = torch.load(str(tmp_path / "half.pt"))
        assert half["optimizer"] is None and half["step"] == s["step"]
        assert all(v.dtype == torch.float16 for v in half["model"].values() if v.is_floating_point())
        model, _ = train.load_model(str(tmp_path / "half.pt"))
        assert next(model.parameters()).dtype == torch.float32


def test_bf16_channels_last_device_sampler_and_half(photos, tmp_path):
    out = str(tmp_path / "run")
    s = train.main(["--data", photos, "--out", out, "--steps", "2", "--amp", "bf16", "--channels-last",
                    "--sampler", "device", "--quality", "2", "--save-half", str(tmp_path / "h.pt")] + TINY)
    assert s["step"] == 2 and s["sampler"] == "device" and s["amp"] in ("bf16", "none")
    ck = torch.load(os.path.join(out, "checkpoint.pt"))
    assert ck["lambda"] == train.LAMBDAS[1]
    assert all(v.is_contiguous() for v in ck["model"].values())
    # resume a half checkpoint into a fresh folder
    s = train.main(["--data", photos, "--out", str(tmp_path / "run2"), "--steps", "4", "--log-every", "1",
                    "--resume-from", str(tmp_path / "h.pt"), "--rewarmup", "4"] + TINY)
    assert s["step"] == 4 and s["steps_this_run"] == 2
    lrs = [r["lr"] for r in _log(str(tmp_path / "run2"))]
    assert lrs == pytest.approx([1e-4 / 4, 2e-4 / 4])          # Adam restarts: lr ramps up again


def test_likelihoods_stay_float32_under_autocast():
    if train.check_amp("bf16", torch.device("cpu")) != "bf16":
        pytest.skip("no bf16 autocast on this CPU build")
    m = HyperpriorCodec(8, 8).train()
    x = torch.rand(1, 3, 64, 64)
    with train.autocast_context(torch.device("cpu"), "bf16"):
        out = m(x)
    assert out["y_likelihoods"].dtype == torch.float32 and out["z_likelihoods"].dtype == torch.float32
    loss, bpp, mse = train.rd_loss(out, x, 0.01)
    assert loss.dtype == torch.float32 and torch.isfinite(loss)


def test_gpu_crop_sampler_on_cpu(photos):
    s = GpuCropSampler(photos, crop=64, seed=3, device="cpu")
    assert len(s.images) == 3 and all(im.dtype == torch.uint8 for im in s.images)
    assert min(min(im.shape[1:]) for im in s.images) >= 64               # small photo up-scaled once
    b = s.batch(16)
    assert b.shape == (16, 3, 64, 64) and b.dtype == torch.float32 and b.device.type == "cpu"
    assert 0.0 <= b.min().item() and b.max().item() <= 1.0 and b.std().item() > 0.05
    b2 = GpuCropSampler(photos, crop=64, seed=3, device="cpu").batch(16)
    assert torch.equal(b, b2)                                            # seeded
    c = CropSampler(photos, crop=64, seed=3).batch(4)                    # the CPU path: same contract
    assert c.shape == (4, 3, 64, 64) and c.dtype == torch.float32


def test_make_device_subset_respects_budget(photos, tmp_path):
    import subprocess
    import sys
    tools = os.path.join(os.path.dirname(__file__), "..", "tools")
    sizes = sorted(os.path.getsize(os.path.join(photos, n)) for n in os.listdir(photos))
    budget = (sizes[0] + sizes[1] + 1) / 1e6
    dst = tmp_path / "sub" / "photos"
    r = subprocess.run([sys.executable, os.path.join(tools, "make_device_subset.py"), "--src", photos,
                        "--dst", str(dst), "--budget-mb", str(budget), "--min-side", "0"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    total = sum(os.path.getsize(dst / n) for n in os.listdir(dst))
    assert 0 < total <= budget * 1e6 and len(os.listdir(dst)) == 2
    manifest = json.loads((tmp_path / "sub" / "subset.json").read_text())
    assert manifest["photos"] == 2 and manifest["bytes"] == total
    assert subprocess.run(["bash", "-n", os.path.join(tools, "device_train.sh")]).returncode == 0
