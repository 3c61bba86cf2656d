"""The shipped human packs' bundled self-test (lic.human_selftest, docs/adaptor-pack.md)."""
import base64
import json
import os
import shutil

import numpy as np
import pytest
import torch

from conftest import SHIPPED_CODEC, SHIPPED_CODEC_V1, SHIPPED_HUMAN, SHIPPED_HUMAN_V1, TRAINING
from lic.adapt.export import SELFTEST_IMAGE
from lic.adapt.onnx_import import OnnxModule
from lic.human_selftest import add_selftest
from lic.pack import load_adaptor_pack, load_codec_pack
from lic.task_pack import image_rgb

PAIRS = [(SHIPPED_CODEC, SHIPPED_HUMAN, "hyperprior-vr"), (SHIPPED_CODEC_V1, SHIPPED_HUMAN_V1, "hyperprior-s")]


@pytest.mark.parametrize("codec,human,name", PAIRS, ids=[p[2] for p in PAIRS])
def test_the_shipped_human_packs_carry_a_self_test_their_graph_passes(codec, human, name):
    pack = load_codec_pack(codec)
    a = load_adaptor_pack(human, [pack.codec_id])
    m = a.manifest
    assert m["format_version"] == 2 and m["name"] == "human" and m["version"] == 1
    assert m["graph"]["file"] == "synthesis.onnx"
    st = m["selftest"]
    lat = np.fromfile(os.path.join(human, st["input"]), dtype="<f4").reshape(st["shape"])
    assert list(lat.shape) == st["shape"] and st["shape"][2:] == [12, 16]     # 256x176 px
    with torch.no_grad():
        raw = OnnxModule(os.path.join(human, "synthesis.onnx"))(torch.from_numpy(lat))
    raw = (raw[0] if isinstance(raw, (list, tuple)) else raw).numpy()
    got = image_rgb(raw, st["width"], st["height"]).astype(np.int16)
    with open(os.path.join(human, st["expected"]), encoding="utf-8") as f:
        expected = json.load(f)
    want = np.frombuffer(base64.b64decode(expected["rgb"]), np.uint8).reshape(got.shape).astype(np.int16)
    assert np.abs(got - want).max() <= expected["max_abs_error"]
    # A real photograph, not a flat image: the test checks pixels.
    assert want.std() > 20


@pytest.mark.skipif(not os.path.exists(os.path.join(TRAINING, SELFTEST_IMAGE)), reason="Kodak images not found")
def test_add_selftest_turns_a_version_1_pack_into_the_shipped_one(tmp_path):
    out = tmp_path / "human"
    shutil.copytree(SHIPPED_HUMAN_V1, out)
    with open(out / "manifest.json", encoding="utf-8") as f:
        shipped = json.load(f)
    v1 = {"format": shipped["format"], "format_version": 1, "name": "human", "version": 1,
          "codec_id": shipped["codec_id"], "task": "image",
          "files": {"synthesis.onnx": shipped["files"]["synthesis.onnx"]},
          "synthesis": {"input": "y_hat", "output": "image"}}
    for f in ("selftest_input.bin", "selftest_expected.json"):
        os.remove(out / f)
    with open(out / "manifest.json", "w", encoding="utf-8") as f:
        json.dump(v1, f)
    cwd = os.getcwd()
    os.chdir(TRAINING)      # the self-test image path is relative to training/
    try:
        add_selftest(str(out), SHIPPED_CODEC_V1, os.path.join(TRAINING, "checkpoints", "hyperprior-s.pt"))
    finally:
        os.chdir(cwd)
    with open(out / "manifest.json", encoding="utf-8") as f:
        written = json.load(f)
    assert {k: v for k, v in written.items() if k != "files"} == {k: v for k, v in shipped.items() if k != "files"}
    assert written["files"]["synthesis.onnx"] == shipped["files"]["synthesis.onnx"]
    # Float encoders may round differently on another CPU: the same latent and pixels up to that.
    lat = np.fromfile(out / "selftest_input.bin", dtype="<f4")
    ref = np.fromfile(os.path.join(SHIPPED_HUMAN_V1, "selftest_input.bin"), dtype="<f4")
    assert np.mean(lat == ref) > 0.999
    rgb = [np.frombuffer(base64.b64decode(json.load(open(d / "selftest_expected.json"))["rgb"]), np.uint8)
           .astype(np.int16) for d in (out, type(out)(SHIPPED_HUMAN_V1))]
    assert np.abs(rgb[0] - rgb[1]).max() <= 2
