"""Train a tiny codec for a few dozen CPU steps and export it as the test pack.

    cd training && /usr/bin/python3 -m lic.make_test_pack                   # writes ../testvectors/pack/
    cd training && /usr/bin/python3 -m lic.make_test_pack --variable-rate   # writes ../testvectors/pack-vr/

    cd training && /usr/bin/python3 -m lic.make_test_pack --task-packs      # pack-vr/detection, segmentation

--task-packs writes the mechanical typed adaptor packs (lic.task_pack) for the existing test codec
(pack-vr/detection, pack-vr/segmentation, pack-vr/image-v2) and for the shipped default codec hyperprior-vr
(testvectors/task-packs-default/): no training. Re-run it when either codec changes.
--variable-rate makes a version 2 pack (lic.model_vr, 8 rate indexes, gains.bin) of the same size class.

Quality is irrelevant: the pack only has to exercise every code path of the format with small files
(N=16, M=24). Writes testvectors/pack/checkpoint.pt (fp16 weights, for the Python reference encoder and
g_s), testvectors/pack/codec/ and testvectors/pack/human/. Re-running changes the codec id, so every
vector made with lic.make_test_vectors must be regenerated afterwards.
"""
import argparse
import os
import shutil
import tempfile

import torch

from . import train, train_vr
from .export import calibration_z, export_adaptor, export_codec
from .pack import load_codec_pack
from .task_pack import write_test_task_packs
from .train import DEFAULT_PHOTOS, load_model

REPO = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_OUT = os.path.join(REPO, "testvectors", "pack")
DEFAULT_OUT_VR = os.path.join(REPO, "testvectors", "pack-vr")
DEFAULT_OUT_TASKS = os.path.join(REPO, "testvectors", "task-packs-default")
SHIPPED_DEFAULT_CODEC = os.path.join(REPO, "codec-core", "src", "main", "resources", "lic", "packs", "codec",
                                     "hyperprior-vr")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=DEFAULT_PHOTOS)
    ap.add_argument("--out", default=None, help="default ../testvectors/pack (or pack-vr)")
    ap.add_argument("--steps", type=int, default=40)
    ap.add_argument("--variable-rate", action="store_true")
    ap.add_argument("--task-packs", action="store_true",
                    help="only write the mechanical detection/segmentation packs (format_version 2) for the "
                         "codec in --out (default ../testvectors/pack-vr): no training")
    args = ap.parse_args(argv)
    if args.task_packs:
        # the tiny codec's (codec-core tests) and the shipped default codec's (server and CLI tests)
        for codec_dir, out, image in ((os.path.join(args.out or DEFAULT_OUT_VR, "codec"), args.out or DEFAULT_OUT_VR,
                                       True), (SHIPPED_DEFAULT_CODEC, DEFAULT_OUT_TASKS, False)):
            codec = load_codec_pack(codec_dir)
            for sub in ("detection", "segmentation", "image-v2"):
                shutil.rmtree(os.path.join(out, sub), ignore_errors=True)
            write_test_task_packs(out, codec.codec_id, codec.net.M, image=image)
            print("task packs for", codec.codec_id, "in", out)
        return
    args.out = args.out or (DEFAULT_OUT_VR if args.variable_rate else DEFAULT_OUT)
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as run:
        if args.variable_rate:
            train_vr.main(["--data", args.data, "--out", run, "--N", "16", "--M", "24", "--analysis", "16",
                           "--widths", "16,16,16", "--steps", str(args.steps), "--batch", "4", "--crop", "128",
                           "--lr", "1e-3", "--warmup", "0", "--threads", "1", "--device", "cpu", "--kodak", "",
                           "--synthetic", "0.25", "--synthetic-count", "8", "--phase1", "0.25"])
        else:
            train.main(["--data", args.data, "--out", run, "--N", "16", "--M", "24", "--steps", str(args.steps),
                        "--batch", "4", "--crop", "128", "--lr", "1e-3", "--threads", "1",
                        "--save-every", str(args.steps), "--device", "cpu"])
        model, ckpt = load_model(os.path.join(run, "checkpoint.pt"))
    os.makedirs(args.out, exist_ok=True)
    # fp16 weights keep the file small; the packs are exported from exactly these (rounded) weights.
    state = {k: v.half() if v.is_floating_point() else v for k, v in model.state_dict().items()}
    ck_path = os.path.join(args.out, "checkpoint.pt")
    torch.save({"model": state, "optimizer": None, "step": ckpt["step"], "config": ckpt["config"],
                "lambda": ckpt.get("lambda")}, ck_path)
    model, ckpt = load_model(ck_path)
    for sub in ("codec", "human"):
        shutil.rmtree(os.path.join(args.out, sub), ignore_errors=True)
    z_calib = calibration_z(model, args.data, 64, crop_size=256, seed=0)
    pack, report = export_codec(model, ckpt, os.path.join(args.out, "codec"), z_calib,
                                "test-tiny-vr" if args.variable_rate else "test-tiny")
    export_adaptor(model, os.path.join(args.out, "human"), pack.codec_id)
    print(report["codec_id"], report["int_vs_float_h_s"])


if __name__ == "__main__":
    main()
