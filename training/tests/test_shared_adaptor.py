"""The S-adaptor: identity at start, joint training with exact resume, the S-adapted codec pack."""
import json
import os

import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from conftest import KODAK, PACK_VR
from lic.adapt.sanalysis import SharedAnalysis


class _TinyNet(nn.Module):
    """A stand-in task network (exported to ONNX in the test): two feature maps."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.head = nn.Conv2d(8, 11, 3, stride=4, padding=1)

    def forward(self, x):
        f = F.relu(self.conv(x))
        return f, self.head(f)


def _tiny_net(path):
    torch.manual_seed(0)
    torch.onnx.export(_TinyNet().eval(), torch.rand(1, 3, 64, 64), path, opset_version=13, input_names=["images"],
                      output_names=["f", "logits"], dynamic_axes={"images": {2: "h", 3: "w"}})
    return path


def test_shared_analysis_starts_as_the_base_analysis(tiny_vr_model):
    shared = SharedAnalysis(tiny_vr_model.g_a)
    x = torch.rand(2, 3, 64, 128)
    with torch.no_grad():
        assert torch.equal(shared(x), tiny_vr_model.g_a(x))
    assert all(not p.requires_grad for p in shared.g_a.parameters())
    with pytest.raises(ValueError):
        SharedAnalysis(tiny_vr_model.g_a, stages=(3,))     # the last stage's output is y: not an inner stage


def test_blocks_sized_from_the_input_compute_what_they_compute_eagerly(tiny_vr_model, monkeypatch):
    """The exported branch gives each block its size from the graph input's (SpectralMask.forward); checked
    against the block's own shape (an assertion outside tracing) and against the eager branch."""
    from lic.adapt.tsynthesis import TaskSynthesis
    torch.manual_seed(0)
    shared, task = SharedAnalysis(tiny_vr_model.g_a), TaskSynthesis(tiny_vr_model.g_s)
    with torch.no_grad():
        for p in shared.adaptor_parameters() + task.adaptor_parameters():
            p.normal_(0, 0.05)
    x, y = torch.rand(1, 3, 64, 128), torch.randn(1, tiny_vr_model.M, 3, 5)
    with torch.no_grad():
        eager = shared(x), task(y)
        monkeypatch.setattr(torch.onnx, "is_in_onnx_export", lambda: True)
        exported = shared(x), task(y)
    for a, b in zip(eager, exported):
        np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=1e-4, atol=1e-4)


def _joint_args(net, out, steps, data):
    return ["--out", str(out), "--steps", str(steps), "--crop", "64", "--batch", "1", "--log-every", "1",
            "--threads", "1", "--codec-checkpoint", os.path.join(PACK_VR, "checkpoint.pt"),
            "--task", f"kind=detection,model={net},data={data},features=f",
            "--task", f"kind=segmentation,model={net},data={data}"]


@pytest.mark.skipif(not os.path.isdir(KODAK), reason="no Kodak")
def test_joint_training_resumes_exactly_and_exports_an_s_adapted_codec(tmp_path, tiny_vr_pack):
    from lic.adapt.export_shared import export_shared_pack, load_shared_model
    from lic.adapt.joint import main as joint
    from lic.adapt.onnx_import import OnnxModule
    from lic.codec import Encoder, decode_latents
    from lic.pack import load_codec_pack
    net = _tiny_net(str(tmp_path / "net.onnx"))
    joint(_joint_args(net, tmp_path / "straight", 3, KODAK))
    joint(_joint_args(net, tmp_path / "resumed", 3, KODAK) + ["--run-steps", "2"])
    assert torch.load(tmp_path / "resumed" / "checkpoint.pt")["step"] == 2
    joint(_joint_args(net, tmp_path / "resumed", 3, KODAK))
    straight = torch.load(tmp_path / "straight" / "checkpoint.pt")
    resumed = torch.load(tmp_path / "resumed" / "checkpoint.pt")
    assert straight["step"] == resumed["step"] == 3
    for k, v in straight["s_adaptor"].items():
        assert torch.equal(v, resumed["s_adaptor"][k]), k
    for kind in ("detection", "segmentation"):
        for k, v in straight["t_adaptors"][kind].items():
            assert torch.equal(v, resumed["t_adaptors"][kind][k]), (kind, k)
    assert any(float(v.abs().sum()) > 0 for k, v in resumed["s_adaptor"].items() if "pw.weight" in k)  # it learned
    log = [json.loads(line) for line in open(tmp_path / "straight" / "log.jsonl", encoding="utf-8")]
    assert set(log[0]["calibration"]) == {"detection", "segmentation"}
    assert {"bpp", "mse", "feat"} <= set(log[1]["detection"])

    # one lic.adapt.train-format checkpoint per task, for lic.adapt.export
    joint(_joint_args(net, tmp_path / "resumed", 3, KODAK) + ["--export-tasks", str(tmp_path / "tasks")])
    for kind in ("detection", "segmentation"):
        ck = torch.load(tmp_path / "tasks" / f"{kind}-adaptor.pt")
        assert ck["adaptor"].keys() == resumed["t_adaptors"][kind].keys() and ck["mask_cells"] == 8

    # the S-adapted codec pack: the base pack's decoder files, a new encoder and so a new codec id
    model, _ = load_shared_model(os.path.join(PACK_VR, "checkpoint.pt"), str(tmp_path / "resumed" / "checkpoint.pt"))
    out = tmp_path / "codec-s"
    pack = export_shared_pack(model, os.path.join(PACK_VR, "codec"), str(out), "tiny-machine")
    assert pack.codec_id != tiny_vr_pack.codec_id
    base_files = json.load(open(os.path.join(PACK_VR, "codec", "manifest.json"), encoding="utf-8"))["files"]
    manifest = json.load(open(out / "manifest.json", encoding="utf-8"))
    assert manifest["base_codec_id"] == tiny_vr_pack.codec_id and manifest["name"] == "tiny-machine"
    assert {f: h for f, h in manifest["files"].items() if f != "encoder.onnx"} == \
        {f: h for f, h in base_files.items() if f != "encoder.onnx"}
    assert manifest["files"]["encoder.onnx"] != base_files["encoder.onnx"]

    # encoder.onnx computes what the torch model computes, at a size other than the export's
    graph = OnnxModule(str(out / "encoder.onnx")).eval()
    x = torch.rand(1, 3, 128, 192)
    gain = torch.from_numpy(pack.gains.gain[1]).view(1, -1, 1, 1)
    with torch.no_grad():
        y_onnx, z_onnx = graph(x, gain)
        y = model.g_a(x) * gain
        z = model.h_a(y)
    assert torch.allclose(y_onnx, y, atol=1e-4) and torch.allclose(z_onnx, z, atol=1e-4)

    # a real bitstream of the new codec id, decodable with the S pack alone
    image = np.asarray(__import__("PIL.Image", fromlist=["Image"]).open(os.path.join(KODAK, "kodim05.png")))[:96, :128]
    data, lat = Encoder(model, pack).encode(image, return_latents=True, rate_index=2)
    bs, decoded, _ = decode_latents(load_codec_pack(str(out)), data)
    assert bs.codec_id_hex == pack.codec_id
    for name, array in lat.arrays().items():
        assert np.array_equal(decoded.arrays()[name], array), name


def test_report_adds_the_curves_of_an_s_adapted_codec(tmp_path):
    from lic.adapt.report import main as report

    def summary(codec_id, curves, task="segmentation", dataset="camvid val (3 frames)"):
        return {"task": task, "dataset": dataset, "task_model": "net.onnx", "codec_id": codec_id,
                "original": {"miou": 0.5}, "curves": curves}

    pts = lambda shift: [{"rate": r, "bpp": 0.1 * (r + 1) * shift, "miou": 0.2 + 0.05 * r} for r in range(4)]
    base = tmp_path / "base.json"
    base.write_text(json.dumps(summary("a" * 64, {"human": pts(1.0), "webp": pts(1.2)})))
    other = tmp_path / "s.json"
    other.write_text(json.dumps(summary("b" * 64, {"human": pts(0.9), "s+t": pts(0.5), "webp": pts(9.0)})))
    report([str(base), "--add", f"{other}: (S)"])
    merged = json.loads(base.read_text())
    assert set(merged["curves"]) == {"human", "webp", "human (S)", "s+t (S)"}       # the baselines stay the base's
    assert merged["curve_codec_ids"] == {"human (S)": "b" * 64, "s+t (S)": "b" * 64}
    assert merged["bd_rate"]["s+t (S)"]["human"] == pytest.approx(-0.5, abs=1e-6)   # half the bits at equal mIoU
    wrong = tmp_path / "det.json"
    wrong.write_text(json.dumps(summary("c" * 64, {"human": pts(1.0)}, task="detection")))
    with pytest.raises(SystemExit):
        report([str(base), "--add", f"{wrong}:x"])


@pytest.mark.skipif(not os.path.isdir(KODAK), reason="no Kodak")
def test_a_slim_checkpoint_keeps_the_weights_in_fp16_and_continues_with_a_fresh_optimizer(tmp_path):
    from lic.adapt.export_shared import load_shared_model
    from lic.adapt.joint import main as joint
    from lic.adapt.slim import main as slim
    net = _tiny_net(str(tmp_path / "net.onnx"))
    run = tmp_path / "run"
    joint(_joint_args(net, run, 2, KODAK))
    path = run / "checkpoint.pt"
    full, full_size = torch.load(path), os.path.getsize(path)
    slim([str(path)])
    small = torch.load(path)
    assert small["slim"] is True and small["step"] == 2 and small["calibration"] == full["calibration"]
    assert not {"optimizer", "rng", "torch_rng", "samplers_rng"} & set(small)
    for k, v in full["s_adaptor"].items():
        assert small["s_adaptor"][k].dtype == (torch.float16 if v.is_floating_point() else v.dtype), k
        assert torch.equal(small["s_adaptor"][k], v.half() if v.is_floating_point() else v), k
    assert os.path.getsize(path) < 0.5 * full_size

    # readers load fp16 weights into their fp32 modules
    model, _ = load_shared_model(os.path.join(PACK_VR, "checkpoint.pt"), str(path))
    assert all(p.dtype == torch.float32 for p in model.parameters())

    # training continues from it (a warm restart) and writes a full checkpoint again
    joint(_joint_args(net, run, 3, KODAK))
    resumed = torch.load(path)
    assert resumed["step"] == 3 and "optimizer" in resumed and not resumed.get("slim")


@pytest.mark.skipif(not os.path.isdir(KODAK), reason="no Kodak")
def test_a_human_t_adaptor_trains_on_an_s_adapted_codec_and_exports_an_image_pack(tmp_path, tiny_vr_pack):
    from lic.adapt.export import export_pack, load_adaptor
    from lic.adapt.export_shared import export_shared_pack, load_shared_model
    from lic.adapt.joint import main as joint
    from lic.adapt.train import main as adapt
    from lic.codec import adaptor_input, decode_latents, Encoder
    from lic.pack import load_adaptor_pack
    from lic.rd_eval import eval_pack
    codec_ckpt = os.path.join(PACK_VR, "checkpoint.pt")
    joint(_joint_args(_tiny_net(str(tmp_path / "net.onnx")), tmp_path / "s", 2, KODAK))
    s_ckpt = str(tmp_path / "s" / "checkpoint.pt")
    model, _ = load_shared_model(codec_ckpt, s_ckpt)
    s_pack = export_shared_pack(model, os.path.join(PACK_VR, "codec"), str(tmp_path / "codec-s"), "tiny-machine")

    with pytest.raises(SystemExit):          # a human adaptor takes no task network
        adapt(["--task", "human", "--task-model", "x.onnx", "--out", str(tmp_path / "h")])
    adapt(["--task", "human", "--s-adaptor", s_ckpt, "--out", str(tmp_path / "h"), "--steps", "3", "--crop", "64",
           "--batch", "1", "--log-every", "1", "--threads", "1", "--data", KODAK, "--codec-checkpoint", codec_ckpt])
    ck = torch.load(tmp_path / "h" / "checkpoint.pt")
    assert ck["step"] == 3 and ck["args"]["s_adaptor"] == s_ckpt
    assert any(float(v.abs().sum()) > 0 for k, v in ck["adaptor"].items() if "pw.weight" in k)   # it learned
    log = [json.loads(line) for line in open(tmp_path / "h" / "log.jsonl", encoding="utf-8")]
    assert len(log) == 3 and all(10 < r["psnr"] < 60 and 10 < r["psnr_base"] < 60 for r in log)

    # an image pack for the S codec's id; its graph is the T-synthesis
    out = tmp_path / "human-s"
    export_pack("human", str(tmp_path / "h" / "checkpoint.pt"), str(out), task_model=None,
                codec_checkpoint=codec_ckpt, codec_pack=str(tmp_path / "codec-s"), s_adaptor=s_ckpt)
    load_adaptor_pack(str(out), [s_pack.codec_id])
    manifest = json.load(open(out / "manifest.json", encoding="utf-8"))
    assert manifest["task"] == "image" and manifest["codec_id"] == s_pack.codec_id
    assert manifest["training"]["adaptor_parameters"] > 0 and "task_model" not in manifest["training"]

    # rd_eval decodes the S codec's bitstreams with it in place of the base synthesis
    image = np.asarray(__import__("PIL.Image", fromlist=["Image"]).open(os.path.join(KODAK, "kodim05.png")))[:192, :192]
    images = [("crop", image)]                                                 # MS-SSIM needs 161 px
    _, plain = eval_pack(str(tmp_path / "codec-s"), codec_ckpt, images, s_adaptor=s_ckpt, log=lambda s: None)
    _, human = eval_pack(str(tmp_path / "codec-s"), codec_ckpt, images, s_adaptor=s_ckpt, log=lambda s: None,
                         human_adaptor=str(tmp_path / "h" / "checkpoint.pt"))
    assert [p["bpp"] for p in human] == [p["bpp"] for p in plain]              # same bitstreams
    assert [p["psnr"] for p in human] != [p["psnr"] for p in plain]            # another decode
    synth, _ = load_adaptor(model, str(tmp_path / "h" / "checkpoint.pt"))
    bs, lat, pack = decode_latents(s_pack, Encoder(model, s_pack).encode(image, rate_index=0))
    with torch.no_grad():
        x = synth(torch.from_numpy(np.ascontiguousarray(adaptor_input(pack, bs, lat)))[None])[0].numpy()
    x = np.floor(np.clip(x, 0, 1) * 255 + 0.5).astype(np.uint8)[:, :192, :192].transpose(1, 2, 0)
    from lic.evaluate import psnr
    assert human[0]["psnr"] == pytest.approx(psnr(image, x), abs=1e-9)
