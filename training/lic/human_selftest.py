"""Give a `human` (task `image`) adaptor pack a bundled self-test: format version 2, the same graph file.

The registry's warm-up then checks real pixels instead of the dry run's shape check
(docs/adaptor-pack.md, "Self-test"). The self-test latent is a real bitstream's y_dec (a Kodak image
resized to 256x176, through the codec's encoder and the bitstream's integer decode), and the expected
RGB is that latent through the pack's own `synthesis.onnx` (run in torch by lic.adapt.onnx_import),
clamped, rounded and cropped as docs/adaptor-pack.md says. The graph's bytes, the pack's name and version
do not change.

    python3 -m lic.human_selftest --pack ../adaptors/src/main/resources/lic/packs/adaptors/human-hyperprior-vr \
        --codec-pack ../codec-core/src/main/resources/lic/packs/codec/hyperprior-vr \
        --codec-checkpoint checkpoints/hyperprior-vr.pt
"""
import argparse
import hashlib
import json
import os

import numpy as np
import torch

from .adapt.export import SELFTEST_IMAGE, SELFTEST_SIZE, selftest_latent
from .adapt.onnx_import import OnnxModule
from .pack import load_adaptor_pack, load_codec_pack
from .task_pack import SELFTEST_EXPECTED, SELFTEST_INPUT, expected_output
from .train import load_model


def _sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def add_selftest(pack_dir, codec_pack, codec_checkpoint, image=SELFTEST_IMAGE, size=SELFTEST_SIZE):
    """Rewrites `pack_dir` (a format version 1 or 2 `image` pack) as version 2 with a self-test."""
    with open(os.path.join(pack_dir, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    if manifest.get("task") != "image":
        raise ValueError(f"{pack_dir}: not an image pack")
    graph = manifest["graph"] if manifest["format_version"] == 2 else dict(file="synthesis.onnx",
                                                                              **manifest["synthesis"])
    pack = load_codec_pack(codec_pack)
    if pack.codec_id != manifest["codec_id"]:
        raise ValueError(f"{pack_dir} reads codec {manifest['codec_id']}, not {codec_pack}'s {pack.codec_id}")
    model, _ = load_model(codec_checkpoint)
    lat, width, height = selftest_latent(model, pack, image, size)
    with torch.no_grad():
        raw = OnnxModule(os.path.join(pack_dir, graph["file"]))(torch.from_numpy(lat))
    raw = (raw[0] if isinstance(raw, (list, tuple)) else raw).numpy()
    _, m, h, w = lat.shape
    lat.astype("<f4").tofile(os.path.join(pack_dir, SELFTEST_INPUT))
    with open(os.path.join(pack_dir, SELFTEST_EXPECTED), "w", encoding="utf-8") as f:
        json.dump(expected_output("image", raw, None, [], 16 * w, 16 * h, width, height), f, indent=1)
        f.write("\n")
    files = [graph["file"], SELFTEST_INPUT, SELFTEST_EXPECTED]
    out = {"format": manifest["format"], "format_version": 2}
    out.update({k: manifest[k] for k in ("name", "version", "codec_id", "task")})
    out["files"] = {name: _sha256(os.path.join(pack_dir, name)) for name in files}
    out["graph"] = {"file": graph["file"], "input": graph["input"], "output": graph["output"]}
    out["selftest"] = {"input": SELFTEST_INPUT, "shape": [1, m, h, w], "width": width, "height": height,
                       "expected": SELFTEST_EXPECTED}
    with open(os.path.join(pack_dir, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(out, f, indent=2)
        f.write("\n")
    return load_adaptor_pack(pack_dir, [pack.codec_id])


def main(argv=None):
    p = argparse.ArgumentParser(prog="python3 -m lic.human_selftest", description=__doc__.split("\n")[0])
    p.add_argument("--pack", required=True, help="the image adaptor pack folder (rewritten in place)")
    p.add_argument("--codec-pack", required=True)
    p.add_argument("--codec-checkpoint", required=True)
    p.add_argument("--image", default=SELFTEST_IMAGE)
    args = p.parse_args(argv)
    torch.set_num_threads(2)
    add_selftest(args.pack, args.codec_pack, args.codec_checkpoint, args.image)
    print(f"wrote the self-test of {args.pack}")


if __name__ == "__main__":
    main()
