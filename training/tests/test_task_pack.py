"""Typed adaptor packs (docs/adaptor-pack.md, format_version 2): the reference post-processing on hand-made
cases, the writer, and the committed mechanical test packs with their self-test files."""
import base64
import json
import math
import os

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import onnx_eval
from conftest import PACK_VR, SHIPPED_CODEC, TV
from lic.errors import InvalidPack
from lic.pack import load_adaptor_pack, load_codec_pack, sha256_file
from lic import task_pack as tp

TASKS_DEFAULT = os.path.join(TV, "task-packs-default")


def _pp(**kw):
    pp = {"decode": "yolox", "strides": [8, 16], "score_activation": "none", "geometry": {"mode": "padded"},
          "score_threshold": 0.25, "iou_threshold": 0.45, "max_detections": 100}
    pp.update(kw)
    return pp


def test_yolox_rule_decodes_grid_cells_row_major_per_stride():
    raw = np.zeros((1, 5, 6))
    raw[0, 3] = [0.5, 0.5, math.log(2), math.log(2), 0.5, 0.8]   # s8 cell (1,1): box [4,4,16,16], 0.4
    raw[0, 4] = [0.25, 0.5, 0, math.log(0.5), 0.3, 1.0]          # s16 cell (0,0): [-4,4,12,12] -> x0 0
    dets = tp.detect(raw, _pp(), ["a"], 16, 16, 16, 16)
    assert np.allclose([d["box"] for d in dets], [[4, 4, 16, 16], [0, 4, 12, 12]])
    assert dets[0]["score"] == pytest.approx(0.4)


def test_nms_is_class_wise_and_letterbox_maps_back():
    raw = np.array([[[10, 10, 30, 30, 0.9, 0.0], [11, 10, 31, 30, 0.8, 0.0], [10, 10, 30, 30, 0.0, 0.7]]])
    pp = _pp(decode="xyxy", geometry={"mode": "letterbox", "width": 32, "height": 32})
    dets = tp.detect(raw, pp, ["a", "b"], 64, 64, 64, 64)       # scale min(32/64, 32/64) = 0.5
    assert [(d["class"], d["box"]) for d in dets] == [(0, [20, 20, 60, 60]), (1, [20, 20, 60, 60])]
    assert tp.iou([0, 0, 10, 10], [5, 0, 15, 10]) == pytest.approx(1 / 3)


def test_segment_bilinear_matches_torch_interpolate_and_crops():
    logits = np.random.default_rng(1).normal(size=(1, 4, 3, 5))
    cmap, frac = tp.segment(logits, {"stride": 8, "upsample": "bilinear"}, 37, 20)
    up = F.interpolate(torch.from_numpy(logits), scale_factor=8, mode="bilinear", align_corners=False)
    want = up.argmax(1)[0, :20, :37].numpy()
    assert cmap.shape == (20, 37) and (cmap == want).mean() > 0.999
    assert frac.sum() == pytest.approx(1.0)
    near, _ = tp.segment(logits, {"stride": 8, "upsample": "nearest"}, 40, 24)
    assert (near == np.repeat(np.repeat(logits[0].argmax(0), 8, 0), 8, 1)[:24, :40]).all()


@pytest.mark.parametrize("root", [PACK_VR, TASKS_DEFAULT])
def test_committed_task_packs_verify_and_their_self_tests_are_what_the_torch_graphs_give(root):
    codec = load_codec_pack(os.path.join(root, "codec") if root == PACK_VR else SHIPPED_CODEC)
    det = load_adaptor_pack(os.path.join(root, "detection"), [codec.codec_id])
    seg = load_adaptor_pack(os.path.join(root, "segmentation"), [codec.codec_id])
    assert det.manifest["format_version"] == 2 and det.manifest["task"] == "detection"
    st = det.manifest["selftest"]
    assert st["shape"] == [1, codec.net.M, 4, 8] and (st["width"], st["height"]) == (120, 60)
    with open(os.path.join(root, "detection", "selftest_expected.json")) as f:
        expected = json.load(f)
    # the constant graph's boxes, letterboxed 128x64 -> 64x64 (scale 0.5), clipped to 120x60
    assert [(d["class"], d["score"], d["box"]) for d in expected["detections"]] == [
        (0, 0.81, [24, 32, 56, 60]), (1, 0.63, [32, 24, 64, 60]), (2, 0.57, [48, 32, 112, 60])]
    lat = np.fromfile(os.path.join(root, "segmentation", "selftest_input.bin"), dtype="<f4").reshape(st["shape"])
    # the segmentation graph is one 1x1 Conv: run the ONNX file itself and apply the rule
    logits = onnx_eval.run(seg.graph_path, {"y_hat": lat})["logits"]
    torch_logits = tp.SignSegmentation(codec.net.M)(torch.from_numpy(lat)).detach().numpy()
    onnx_eval.assert_close(logits, torch_logits)
    cmap, _ = tp.segment(logits, seg.manifest["postprocess"], 120, 60)
    with open(os.path.join(root, "segmentation", "selftest_expected.json")) as f:
        want = np.frombuffer(base64.b64decode(json.load(f)["classes"]), dtype=np.uint8).reshape(60, 120)
    assert (cmap == want).mean() >= 0.999
    assert seg.manifest["labels"] == tp.SEG_LABELS


def test_writer_writes_a_verifiable_pack_and_rejects_a_latent_that_does_not_fit(tmp_path):
    lat = np.zeros((1, 8, 4, 4), dtype=np.float32)
    pack = tp.write_task_pack(str(tmp_path / "seg"), tp.SignSegmentation(8), name="seg", codec_id="0" * 64,
                              task="segmentation", selftest_latent=lat, width=50, height=64, labels=["x", "y", "z"],
                              postprocess={"stride": 16, "upsample": "nearest"})
    m = pack.manifest
    assert m["labels"] == {"file": "labels.txt"} and m["graph"]["file"] == "adaptor.onnx"
    for name, digest in m["files"].items():
        assert sha256_file(str(tmp_path / "seg" / name)) == digest
    exp = json.loads((tmp_path / "seg" / "selftest_expected.json").read_text())
    assert exp["min_agreement"] >= 0.99 and len(base64.b64decode(exp["classes"])) == 50 * 64
    with pytest.raises(ValueError):
        tp.write_task_pack(str(tmp_path / "bad"), tp.SignSegmentation(8), name="seg", codec_id="0" * 64,
                           task="segmentation", selftest_latent=lat, width=200, height=64, labels=["x", "y", "z"],
                           postprocess={"stride": 16, "upsample": "nearest"})
    # a version 1 manifest may not declare a typed task
    m1 = dict(m, format_version=1)
    (tmp_path / "seg" / "manifest.json").write_text(json.dumps(m1))
    with pytest.raises(InvalidPack):
        load_adaptor_pack(str(tmp_path / "seg"))


def test_image_v2_pack_self_test_is_the_8bit_crop_of_the_torch_graph():
    codec = load_codec_pack(os.path.join(PACK_VR, "codec"))
    pack = load_adaptor_pack(os.path.join(PACK_VR, "image-v2"), [codec.codec_id])
    st = pack.manifest["selftest"]
    assert pack.manifest["task"] == "image" and "labels" not in pack.manifest
    lat = np.fromfile(os.path.join(PACK_VR, "image-v2", st["input"]), dtype="<f4").reshape(st["shape"])
    with open(os.path.join(PACK_VR, "image-v2", st["expected"])) as f:
        exp = json.load(f)
    rgb = np.frombuffer(base64.b64decode(exp["rgb"]), dtype=np.uint8).reshape(st["height"], st["width"], 3)
    want = np.floor(255 / (1 + np.exp(-lat[0, :3].astype(np.float64))) + 0.5)      # [3, h, w] per latent cell
    up = np.repeat(np.repeat(want, 16, 1), 16, 2)[:, :st["height"], :st["width"]].transpose(1, 2, 0)
    assert np.abs(rgb.astype(int) - up).max() <= 1
    assert exp["max_abs_error"] == 2 and exp["mean_abs_error"] == 0.5
