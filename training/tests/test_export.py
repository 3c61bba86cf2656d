import json
import os
import shutil

import numpy as np
import pytest
import torch

import onnx_eval
from conftest import PACK, SHIPPED_CODEC, SHIPPED_CODEC_V1, SHIPPED_HUMAN, SHIPPED_HUMAN_V1
from lic.codec import pad_image
from lic.errors import InvalidPack
from lic.export import export_adaptor, export_codec
from lic.make_test_vectors import synthetic_image
from lic.pack import codec_id, load_adaptor_pack, load_codec_pack, sha256_file


@pytest.fixture(scope="module")
def exported(tmp_path_factory, tiny_model):
    from lic.train import load_model
    model, ckpt = load_model(os.path.join(PACK, "checkpoint.pt"))
    with torch.no_grad():
        z = torch.cat([torch.floor(model.h_a(model.g_a(pad_image(synthetic_image(k, 128, 128, s)))) + 0.5)
                       for k, s in (("texture", 1), ("blocks", 2))])
    root = tmp_path_factory.mktemp("export")
    pack, report = export_codec(model, ckpt, str(root / "codec"), z, "test")
    export_adaptor(model, str(root / "human"), pack.codec_id)
    return root, model, pack


def test_codec_id_is_the_hash_of_the_sorted_file_lines(exported):
    root, _, pack = exported
    with open(root / "codec" / "manifest.json") as f:
        m = json.load(f)
    files = {n: sha256_file(str(root / "codec" / n)) for n in ("encoder.onnx", "entropy_tables.bin", "hyper_synthesis.bin")}
    assert m["files"] == files and m["codec_id"] == pack.codec_id == codec_id(files)
    import hashlib
    text = "".join(f"{n} {files[n]}\n" for n in sorted(files))
    assert pack.codec_id == hashlib.sha256(text.encode()).hexdigest()
    assert codec_id(dict(reversed(list(files.items())))) == pack.codec_id
    assert m["rates"][0]["index"] == 0 and m["encoder"] == {"input": "image", "y": "y", "z": "z"}
    a = load_adaptor_pack(str(root / "human"), [pack.codec_id])
    assert a.manifest["name"] == "human" and a.manifest["codec_id"] == pack.codec_id


def _copy(root, tmp_path):
    dst = tmp_path / "codec"
    shutil.copytree(root / "codec", dst)
    return dst


def test_changed_file_is_detected(exported, tmp_path):
    dst = _copy(exported[0], tmp_path)
    with open(dst / "entropy_tables.bin", "r+b") as f:
        f.seek(100)
        b = f.read(1)
        f.seek(100)
        f.write(bytes([b[0] ^ 1]))
    with pytest.raises(InvalidPack, match="entropy_tables.bin"):
        load_codec_pack(str(dst))


def test_manifest_edits_are_detected(exported, tmp_path):
    dst = _copy(exported[0], tmp_path)
    with open(dst / "manifest.json") as f:
        m = json.load(f)
    # A consistent hash for a changed file still changes the codec id.
    with open(dst / "hyper_synthesis.bin", "ab") as f:
        f.write(b"")
    m2 = dict(m, codec_id="0" * 64)
    with open(dst / "manifest.json", "w") as f:
        json.dump(m2, f)
    with pytest.raises(InvalidPack, match="codec_id"):
        load_codec_pack(str(dst))
    # Descriptive fields and extra files do not matter.
    with open(dst / "manifest.json", "w") as f:
        json.dump(dict(m, name="renamed"), f)
    (dst / "NOTES.txt").write_text("x")
    assert load_codec_pack(str(dst)).codec_id == m["codec_id"]


def test_adaptor_for_unknown_codec_rejected(exported):
    with pytest.raises(InvalidPack):
        load_adaptor_pack(str(exported[0] / "human"), ["ab" * 32])


@torch.no_grad()
def test_onnx_graphs_compute_the_model(exported):
    root, model, _ = exported
    img = synthetic_image("texture", 128, 64, 5)
    x = pad_image(img)
    out = onnx_eval.run(str(root / "codec" / "encoder.onnx"), {"image": x.numpy()})
    y = model.g_a(x)
    onnx_eval.assert_close(out["y"], y.numpy())
    onnx_eval.assert_close(out["z"], model.h_a(y).numpy())
    img2 = onnx_eval.run(str(root / "human" / "synthesis.onnx"), {"y_hat": torch.round(y).numpy()})
    onnx_eval.assert_close(img2["image"], model.g_s(torch.round(y)).numpy())


@pytest.mark.parametrize("codec,human,version", [(SHIPPED_CODEC, SHIPPED_HUMAN, 2), (SHIPPED_CODEC_V1, SHIPPED_HUMAN_V1, 1)],
                         ids=["hyperprior-vr", "hyperprior-s"])
def test_shipped_packs_verify(codec, human, version):
    pack = load_codec_pack(codec)
    assert pack.manifest["format_version"] == version
    assert pack.net.N == len(pack.tables.z) and len(pack.tables.y) == 64
    a = load_adaptor_pack(human, [pack.codec_id])
    assert a.manifest["name"] == "human" and a.manifest["version"] == 1
    if version == 2:
        assert pack.gains.rates == len(pack.manifest["rates"]) >= 6
        bpps = [r["kodak_bpp"] for r in pack.manifest["rates"]]
        assert bpps == sorted(bpps) and bpps[0] < 0.2 and bpps[-1] > 0.8, bpps
