"""Export an S-adapted codec: a codec pack whose encoder.onnx carries the S-adaptor, plus its human pack.

    python3 -m lic.adapt.export_shared --joint runs/s-vr/checkpoint.pt \
        --out ../codec-core/src/main/resources/lic/packs/codec/hyperprior-vr-machine \
        --human-out ../adaptors/src/main/resources/lic/packs/adaptors/human-hyperprior-vr-machine

The S-adaptor changes only the analysis, so every file that a decoder reads (entropy_tables.bin, gains.bin,
hyper_synthesis.bin) is copied byte for byte from the base pack, and the human decode is the base
synthesis.onnx under the new codec id. encoder.onnx is new (opset 17, with the S-adaptor's blocks), so
the codec id (docs/codec-pack.md: a hash of the file hashes) is new too: a bitstream says which encoder
made it, and the T-adaptors trained with this S-adaptor are registered for this id. `base_codec_id`
in the manifest is descriptive.
"""
import argparse
import copy
import json
import os
import shutil

import torch

from .. import model_vr
from ..export import _onnx_export, _write_json
from ..pack import codec_id, load_adaptor_pack, load_codec_pack, sha256_file
from ..train_vr import load_model
from .sanalysis import SharedAnalysis

OPSET = 17     # as every adaptor graph (chosen for ONNX DFT, which the blocks no longer use)
DEFAULT_BASE_PACK = "../codec-core/src/main/resources/lic/packs/codec/hyperprior-vr"
DEFAULT_BASE_HUMAN = "../adaptors/src/main/resources/lic/packs/adaptors/human-hyperprior-vr"


def load_shared_model(codec_checkpoint, joint_checkpoint):
    """The base model (eval, frozen) with g_a replaced by the trained S-adaptor; and the joint checkpoint."""
    return with_shared_analysis(load_model(codec_checkpoint)[0], joint_checkpoint)


def with_shared_analysis(model, joint_checkpoint):
    """A copy of the base `model` (eval, frozen) whose g_a carries the S-adaptor of `joint_checkpoint`; and
    that checkpoint."""
    ck = torch.load(joint_checkpoint, map_location="cpu")
    shared = SharedAnalysis(model.g_a, k=ck.get("mask_cells", 8), stages=ck["stages"])
    shared.blocks.load_state_dict(ck["s_adaptor"])
    model = copy.copy(model)
    model.g_a = shared.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return model.eval(), ck


def load_encoding_model(codec_checkpoint, s_adaptor=None):
    """The frozen codec whose analysis encodes: the base one, or with the S-adaptor of `s_adaptor` (a
    lic.adapt.joint checkpoint)."""
    if s_adaptor:
        return load_shared_model(codec_checkpoint, s_adaptor)[0]
    return load_model(codec_checkpoint)[0]


def export_shared_pack(model, base_pack_dir, out_dir, name, card=""):
    """Write the S-adapted codec pack to out_dir and return it (re-read and verified)."""
    base = load_codec_pack(base_pack_dir)
    with open(os.path.join(base_pack_dir, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    if manifest.get("format_version") != 2:
        raise ValueError("the S-adaptor needs a variable-rate (format version 2) base pack")
    os.makedirs(out_dir, exist_ok=True)
    for fname in manifest["files"]:
        if fname != "encoder.onnx":
            shutil.copyfile(os.path.join(base_pack_dir, fname), os.path.join(out_dir, fname))
    axes = {"image": {2: "H", 3: "W"}, "y": {2: "h", 3: "w"}, "z": {2: "hz", 3: "wz"}}
    _onnx_export(model_vr.EncoderGraph(model).eval(), (torch.zeros(1, 3, 64, 64), torch.ones(1, model.M, 1, 1)),
                 os.path.join(out_dir, "encoder.onnx"), ("image", "gain"), ("y", "z"), axes, opset=OPSET,
                 share=True)
    files = {f: sha256_file(os.path.join(out_dir, f)) for f in manifest["files"]}
    for fname, digest in files.items():
        if fname != "encoder.onnx" and digest != manifest["files"][fname]:
            raise AssertionError(f"{fname} differs from the base pack's")
    manifest.update({"codec_id": codec_id(files), "name": name, "files": files, "base_codec_id": base.codec_id})
    manifest["rates"] = [{"index": r["index"], "lambda": r["lambda"]} for r in manifest["rates"]]
    if card:
        with open(os.path.join(out_dir, "MODEL_CARD.md"), "w", encoding="utf-8") as f:
            f.write(card)
        manifest["model_card"] = "MODEL_CARD.md"
    else:
        manifest.pop("model_card", None)
    _write_json(os.path.join(out_dir, "manifest.json"), manifest)
    return load_codec_pack(out_dir)


def export_human_pack(base_human_dir, out_dir, cid):
    """The base human pack (synthesis.onnx byte for byte) for codec id `cid`."""
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(base_human_dir, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    for fname in manifest["files"]:
        shutil.copyfile(os.path.join(base_human_dir, fname), os.path.join(out_dir, fname))
    manifest["codec_id"] = cid
    _write_json(os.path.join(out_dir, "manifest.json"), manifest)
    return load_adaptor_pack(out_dir, [cid])


def main(argv=None):
    p = argparse.ArgumentParser(prog="python3 -m lic.adapt.export_shared", description=__doc__.split("\n")[0])
    p.add_argument("--joint", required=True, help="the lic.adapt.joint checkpoint")
    p.add_argument("--codec-checkpoint", default="checkpoints/hyperprior-vr.pt")
    p.add_argument("--base-pack", default=DEFAULT_BASE_PACK)
    p.add_argument("--base-human", default=DEFAULT_BASE_HUMAN)
    p.add_argument("--out", required=True)
    p.add_argument("--human-out", default=None)
    p.add_argument("--name", default="hyperprior-vr-machine")
    p.add_argument("--card", default=None, help="a model card (markdown) to put into the pack")
    args = p.parse_args(argv)
    model, _ = load_shared_model(args.codec_checkpoint, args.joint)
    card = open(args.card, encoding="utf-8").read() if args.card else ""
    pack = export_shared_pack(model, args.base_pack, args.out, args.name, card)
    print(f"codec pack {args.out}: codec id {pack.codec_id}")
    if args.human_out:
        export_human_pack(args.base_human, args.human_out, pack.codec_id)
        print(f"human pack {args.human_out}")


if __name__ == "__main__":
    main()
