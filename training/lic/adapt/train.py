"""Train a T-adaptor for a task network by distillation (label-free), resumable; export its pack.

    python3 -m lic.adapt --task-model NET.onnx --task detection|segmentation --out runs/NAME \
        [--features T1,T2,...] [--steps N] [--init PREVIOUS/checkpoint.pt] --pack-out PACK_DIR
    python3 -m lic.adapt --task human --s-adaptor runs/s-vr/checkpoint.pt --out runs/NAME ...

`--task human` trains a human T-adaptor: no task network, the loss is minus the decode's PSNR (human_loss).
It is what an S-adapted codec (`--s-adaptor`, a lic.adapt.joint checkpoint whose analysis then
encodes the training crops) needs when its bitstreams decode worse for people than the base codec's.

The task network is imported from ONNX (lic.adapt.onnx_import) and runs with gradients in torch.
`--init` starts from another adaptor's weights: the one command that fine-tunes the adaptors for a new
codec id (point --codec-checkpoint/--codec-pack at the new codec).

The task network on the adaptor's decode should respond as it does on the original image: the loss is the
normalised squared error of its feature maps (`--features`, e.g. YOLOX's PAN outputs, as TransTIC does),
sum over maps of mean((f(x_T) - f(x))^2) / mean(f(x)^2), plus a small pixel term that keeps the decode an
image. Rates are drawn uniformly per sample, so one adaptor serves every rate (its input is y_dec).

Checkpoints (every --checkpoint-minutes, atomic) hold the adaptor, optimizer, step and every RNG state, so
a resumed run continues exactly. The log is one JSON line per --log-every steps: the feature loss, and the
plain synthesis's on the logged batch (a human adaptor logs `psnr` and `psnr_base` instead).
"""
import argparse
import json
import math
import os
import random
import time

import torch
import torch.nn.functional as F

from ..data import CropSampler
from .detection import yolox_output_distillation
from .export_shared import load_encoding_model
from .latent import decoded_latent
from .tasknet import INPUT_FORMATS, TaskNetwork
from .tsynthesis import TaskSynthesis


def build_parser():
    p = argparse.ArgumentParser(prog="python3 -m lic.adapt", description=__doc__.split("\n")[0])
    p.add_argument("--task-model", default=None, help="the task network, ONNX (not for --task human)")
    p.add_argument("--task", required=True, choices=("detection", "segmentation", "human"))
    p.add_argument("--s-adaptor", default=None,
                   help="encode with this lic.adapt.joint checkpoint's S-adaptor (T-adaptors for an S-adapted codec)")
    p.add_argument("--input-format", default=None, choices=INPUT_FORMATS,
                   help="the network's input convention (default: bgr255 for detection, rgb01 for segmentation)")
    p.add_argument("--features", default="", help="comma-separated tensor names to match (default: graph outputs)")
    p.add_argument("--codec-checkpoint", default="checkpoints/hyperprior-vr.pt")
    p.add_argument("--data", default="../../shared/data/photos")
    p.add_argument("--out", required=True, help="run folder: checkpoint.pt, log.jsonl")
    p.add_argument("--init", default=None, help="start from this adaptor checkpoint (e.g. for a new codec id)")
    p.add_argument("--crop", type=int, default=256)
    p.add_argument("--batch", type=int, default=4)
    p.add_argument("--steps", type=int, default=4000)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--pixel-weight", type=float, default=0.05)
    p.add_argument("--output-weight", type=float, default=0.0,
                   help="detection: also match the detector's output (scores and boxes, YOLOX format) with this weight")
    p.add_argument("--task-scale", type=float, default=1.0,
                   help="resize decode and original by this factor before the task network, as its serving "
                        "pre-processing does (YOLOX letterboxes a 640-wide COCO image to 416: 0.65)")
    p.add_argument("--mask-cells", type=int, default=8)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--log-every", type=int, default=25)
    p.add_argument("--checkpoint-minutes", type=float, default=10.0)
    p.add_argument("--max-minutes", type=float, default=0.0, help="stop (after a checkpoint) after this long")
    p.add_argument("--run-steps", type=int, default=0, help="stop (after a checkpoint) after this many steps")
    p.add_argument("--codec-pack", default="../codec-core/src/main/resources/lic/packs/codec/hyperprior-vr",
                   help="the codec pack whose id the exported adaptor pack names")
    p.add_argument("--pack-out", default=None, help="after training, export the adaptor pack to this folder")
    p.add_argument("--pack-name", default=None, help="the pack's adaptor name (default: the task)")
    p.add_argument("--pack-version", type=int, default=1)
    return p


def learning_rate(step, steps, base):
    """Short warm-up, then cosine to 2 % of base."""
    warm = min(100, steps // 10)
    if step < warm:
        return base * (step + 1) / warm
    t = (step - warm) / max(1, steps - warm)
    return base * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * min(t, 1.0))))


def distillation_loss(student, teacher, output_weight=0.0):
    """Sum over feature maps of the normalised squared error; with output_weight > 0 the last response is
    the detector's output (TaskNetwork.feature_maps), matched by yolox_output_distillation."""
    if output_weight:
        return (distillation_loss(student[:-1], teacher[:-1]) +
                output_weight * yolox_output_distillation(student[-1], teacher[-1]))
    return sum(F.mse_loss(s, t) / (t.pow(2).mean() + 1e-6) for s, t in zip(student, teacher))


def to_task_scale(x, scale):
    """What the task network sees: bilinear resize, like the packs' letterbox (ONNX Resize, no antialias)."""
    if scale == 1.0:
        return x
    return F.interpolate(x, scale_factor=scale, mode="bilinear", align_corners=False, recompute_scale_factor=False)


def human_loss(x_t, x):
    """A human T-adaptor's loss: minus the mean PSNR (dB) of the batch's images. Per image in dB, not MSE,
    so that every rate weighs alike (an MSE loss would leave the high rates, where an S-adaptor costs
    people the most, to a tenth of the gradient)."""
    mse = (x_t - x).pow(2).mean((1, 2, 3)).clamp_min(1e-10)
    return 10.0 * torch.log10(mse).mean()


def adaptor_loss(net, x_t, x, teacher, pixel_weight, task_scale=1.0):
    """(loss, feature loss) of a T-adaptor's decode x_t: distillation + the small pixel term; for a human
    adaptor (net None) both are human_loss."""
    if net is None:
        loss = human_loss(x_t, x)
        return loss, loss
    feat = distillation_loss(net.feature_maps(to_task_scale(x_t, task_scale)), teacher, net.output_weight)
    return feat + pixel_weight * F.mse_loss(x_t, x) / 0.001, feat


def atomic_save(obj, path):
    """torch.save through a temporary file and a rename: a reader never sees half a checkpoint."""
    tmp = path + ".tmp"
    torch.save(obj, tmp)
    os.replace(tmp, path)


def save_checkpoint(path, adaptor, opt, step, args, sampler, rng):
    atomic_save({"adaptor": adaptor.blocks.state_dict(), "optimizer": opt.state_dict(), "step": step,
                  "args": vars(args), "mask_cells": args.mask_cells, "sampler_rng": sampler.rng.getstate(),
                  "rng": rng.getstate(), "torch_rng": torch.get_rng_state()}, path)


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.output_weight and args.task != "detection":
        parser.error("--output-weight: detection only (it matches YOLOX-format outputs)")
    if (args.task == "human") == bool(args.task_model):
        parser.error("--task-model: required for detection and segmentation, not taken by human")
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    net = None
    if args.task != "human":
        fmt = args.input_format or ("bgr255" if args.task == "detection" else "rgb01")
        net = TaskNetwork(args.task_model, fmt, [f for f in args.features.split(",") if f],
                          output_weight=args.output_weight).eval()
        for p in net.parameters():
            p.requires_grad_(False)
    codec = load_encoding_model(args.codec_checkpoint, args.s_adaptor)
    for p in codec.parameters():
        p.requires_grad_(False)
    adaptor = TaskSynthesis(codec.g_s, k=args.mask_cells)
    opt = torch.optim.Adam(adaptor.adaptor_parameters(), lr=args.lr)
    sampler = CropSampler(args.data, crop=args.crop, seed=args.seed)
    rng = random.Random(args.seed + 1)
    os.makedirs(args.out, exist_ok=True)
    ckpt_path = os.path.join(args.out, "checkpoint.pt")
    step = 0
    if os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path, map_location="cpu")
        adaptor.blocks.load_state_dict(ck["adaptor"])
        step = ck["step"]
        if ck.get("slim"):  # weights only (lic.adapt.slim): a fresh optimizer and random streams
            print(f"{ckpt_path}: a slim checkpoint; continuing from its weights with a fresh optimizer")
        else:
            opt.load_state_dict(ck["optimizer"])
            sampler.rng.setstate(ck["sampler_rng"])
            rng.setstate(ck["rng"])
            torch.set_rng_state(ck["torch_rng"])
    elif args.init:
        adaptor.blocks.load_state_dict(torch.load(args.init, map_location="cpu")["adaptor"])
    log = open(os.path.join(args.out, "log.jsonl"), "a", encoding="utf-8")
    started = last_ckpt = time.time()
    first_step = step
    acc = {"loss": 0.0, "feat": 0.0, "feat_base": 0.0, "n": 0}
    adaptor.train()
    while step < args.steps:
        x = sampler.batch(args.batch)
        rate = torch.tensor([rng.randrange(codec.rates) for _ in range(args.batch)])
        with torch.no_grad():
            y = decoded_latent(codec, x, rate)
            teacher = net.feature_maps(to_task_scale(x, args.task_scale)) if net else None
            if step % args.log_every == 0:
                base = codec.g_s(y).clamp(0, 1)
                acc["feat_base"] += float(human_loss(base, x) if net is None else distillation_loss(
                    net.feature_maps(to_task_scale(base, args.task_scale)), teacher, net.output_weight))
        for g in opt.param_groups:
            g["lr"] = learning_rate(step, args.steps, args.lr)
        x_t = adaptor(y).clamp(0, 1)
        loss, feat = adaptor_loss(net, x_t, x, teacher, args.pixel_weight, args.task_scale)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(adaptor.adaptor_parameters(), 1.0)
        opt.step()
        step += 1
        acc["loss"] += float(loss)
        acc["feat"] += float(feat)
        acc["n"] += 1
        if step % args.log_every == 0:
            n = acc["n"]
            quality = ({"psnr": -acc["feat"] / n, "psnr_base": -acc["feat_base"]} if net is None else
                       {"feature_loss": acc["feat"] / n, "feature_loss_base": acc["feat_base"]})
            rec = {"step": step, "loss": acc["loss"] / n, **quality, "lr": opt.param_groups[0]["lr"],
                   "pixels": step * args.batch * args.crop * args.crop, "minutes": (time.time() - started) / 60}
            log.write(json.dumps(rec) + "\n")
            log.flush()
            acc = {"loss": 0.0, "feat": 0.0, "feat_base": 0.0, "n": 0}
        now = time.time()
        out_of_time = (args.max_minutes and (now - started) / 60 >= args.max_minutes) or \
            (args.run_steps and step - first_step >= args.run_steps)
        if now - last_ckpt >= 60 * args.checkpoint_minutes or step == args.steps or out_of_time:
            save_checkpoint(ckpt_path, adaptor, opt, step, args, sampler, rng)
            last_ckpt = now
        if out_of_time:
            break
    save_checkpoint(ckpt_path, adaptor, opt, step, args, sampler, rng)
    log.close()
    if args.pack_out and step >= args.steps:
        from .export import export_pack
        export_pack(args.task, ckpt_path, args.pack_out, task_model=args.task_model, s_adaptor=args.s_adaptor,
                    codec_checkpoint=args.codec_checkpoint, codec_pack=args.codec_pack, name=args.pack_name,
                    version=args.pack_version)
        print(f"wrote the {args.task} adaptor pack to {args.pack_out} (register it: lic adaptors register)")


if __name__ == "__main__":
    main()
