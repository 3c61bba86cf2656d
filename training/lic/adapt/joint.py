"""Train the S-adaptor (shared, in the analysis) jointly with the T-adaptors of several tasks; resumable.

    python3 -m lic.adapt.joint --out runs/s-vr \
        --task kind=detection,model=../../shared/data/models/yolox_nano.onnx,data=../../shared/data/photos,features=956;990;1024,init=checkpoints/detection-adaptor-vr.pt \
        --task kind=segmentation,model=task-models/camvid-segnet.onnx,data=../../shared/data/camvid/train,init=checkpoints/segmentation-adaptor-vr.pt

The base codec stays frozen. Unlike a T-adaptor, the S-adaptor changes the bitstream, so its loss has a
rate term: with the base codec's own rate proxy (uniform noise on y and z under its frozen entropy model)
and one rate index r per step,

    loss = bpp + lambda[r] * (w_h * 255^2 * MSE(g_s(y_dec), x) + w_t * c_t[r] * D_t)

where D_t is the T-adaptor's distillation loss of the step's task (lic.adapt.train: normalised feature
error + the small pixel term) and c_t = 255^2 * MSE_0 / D_t,0 prices a relative change of the task's
distortion like the same relative change of the human MSE, measured once on the untrained S-adaptor: the
geometric mean over the rate indexes of the per-rate ratio (the ratio barely depends on the rate, and one
batch per rate is noisy), stored per rate in the checkpoint. With w_h + w_t = 1 the trade-off starts on the
base codec's own slope (its training loss is bpp + lambda * 255^2 * MSE), so the S-adaptor moves bits
from what the human decode needs to what the tasks need rather than raising the rate; w_h keeps the
plain synthesis a usable human decode (its PSNR drop is measured, issue 9).

Tasks take turns, one per step, each with its own data (detection on photos, segmentation on CamVid).
Each task's T-adaptor starts from `init` (the one trained on the base codec) and trains with a lower
learning rate. Checkpoints (atomic, every --checkpoint-minutes) hold every adaptor, the optimizer, the
calibration, the step and every RNG state; `--export-tasks DIR` writes one T-adaptor checkpoint per task in
lic.adapt.train's format, which lic.adapt.export turns into packs.
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
from ..entropy import gaussian_likelihood
from ..model import _ste_round
from ..train_vr import load_model
from .sanalysis import SharedAnalysis
from .tasknet import TaskNetwork
from .train import adaptor_loss, atomic_save, learning_rate
from .tsynthesis import TaskSynthesis

TASK_KINDS = ("detection", "segmentation")
DEFAULT_FORMATS = {"detection": "bgr255", "segmentation": "rgb01"}


def parse_task(spec):
    """'kind=detection,model=NET.onnx,data=DIR[,features=a;b][,init=CKPT][,format=bgr255][,output=W]' -> dict.
    output=W (detection): also distil the detector's output with weight W (lic.adapt.train --output-weight)."""
    fields = {}
    for part in spec.split(","):
        key, sep, value = part.partition("=")
        if not sep or not value:
            raise argparse.ArgumentTypeError(f"--task: expected key=value, got {part!r}")
        fields[key.strip()] = value.strip()
    unknown = set(fields) - {"kind", "model", "data", "features", "init", "format", "output"}
    if unknown:
        raise argparse.ArgumentTypeError(f"--task: unknown keys {sorted(unknown)}")
    for key in ("kind", "model", "data"):
        if key not in fields:
            raise argparse.ArgumentTypeError(f"--task: {key}= is required")
    if fields["kind"] not in TASK_KINDS:
        raise argparse.ArgumentTypeError(f"--task: kind must be one of {TASK_KINDS}")
    fields["features"] = [f for f in fields.get("features", "").split(";") if f]
    try:
        fields["output"] = float(fields.get("output", 0))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--task: output= must be a number, got {fields['output']!r}") from None
    if fields["output"] and fields["kind"] != "detection":
        raise argparse.ArgumentTypeError("--task: output= is for detection only (YOLOX-format outputs)")
    fields.setdefault("format", DEFAULT_FORMATS[fields["kind"]])
    return fields


def build_parser():
    p = argparse.ArgumentParser(prog="python3 -m lic.adapt.joint", description=__doc__.split("\n")[0])
    p.add_argument("--task", type=parse_task, action="append", default=[], help="one per task (see above)")
    p.add_argument("--codec-checkpoint", default="checkpoints/hyperprior-vr.pt")
    p.add_argument("--out", required=True, help="run folder: checkpoint.pt, log.jsonl")
    p.add_argument("--crop", type=int, default=192)
    p.add_argument("--batch", type=int, default=4)
    p.add_argument("--steps", type=int, default=3000)
    p.add_argument("--lr", type=float, default=1e-3, help="S-adaptor learning rate")
    p.add_argument("--task-lr", type=float, default=2e-4, help="T-adaptor learning rate")
    p.add_argument("--human-weight", type=float, default=0.25, help="w_h; the tasks get 1 - w_h")
    p.add_argument("--pixel-weight", type=float, default=0.05)
    p.add_argument("--mask-cells", type=int, default=8)
    p.add_argument("--calibration-batches", type=int, default=1, help="per task and rate index")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--log-every", type=int, default=20)
    p.add_argument("--checkpoint-minutes", type=float, default=10.0)
    p.add_argument("--max-minutes", type=float, default=0.0, help="stop (after a checkpoint) after this long")
    p.add_argument("--run-steps", type=int, default=0, help="stop (after a checkpoint) after this many steps")
    p.add_argument("--export-tasks", default=None, help="write each task's T-adaptor checkpoint here and stop")
    return p


def encode_for_training(codec, analysis, x, rate):
    """The base codec's training forward with `analysis` as g_a: (y_dec with STE rounding, bits per image)."""
    gain, inv_gain = codec.gains(rate)
    yg = analysis(x) * gain
    z = codec.h_a(yg)
    z_noisy = z + torch.empty_like(z).uniform_(-0.5, 0.5)
    z_bits = -torch.log2(codec.z_prior.likelihood(z_noisy)).sum((1, 2, 3))
    scales, means = codec.hyper_params(_ste_round(z))
    yg_noisy = yg + torch.empty_like(yg).uniform_(-0.5, 0.5)
    y_bits = -torch.log2(gaussian_likelihood(yg_noisy, scales, means)).sum((1, 2, 3))
    y_dec = (_ste_round(yg - means) + means) * inv_gain
    return y_dec, y_bits + z_bits


class Task:
    def __init__(self, spec, codec, args, seed):
        self.kind = spec["kind"]
        self.spec = spec
        self.net = TaskNetwork(spec["model"], spec["format"], spec["features"], output_weight=spec["output"]).eval()
        for p in self.net.parameters():
            p.requires_grad_(False)
        self.adaptor = TaskSynthesis(codec.g_s, k=args.mask_cells)
        if spec.get("init"):
            self.adaptor.blocks.load_state_dict(torch.load(spec["init"], map_location="cpu")["adaptor"])
        self.sampler = CropSampler(spec["data"], crop=args.crop, seed=seed)

    def distortion(self, y_dec, x, teacher, pixel_weight):
        return adaptor_loss(self.net, self.adaptor(y_dec).clamp(0, 1), x, teacher, pixel_weight)


def calibrate(codec, analysis, tasks, args):
    """c_t = geometric mean over r of 255^2 MSE_0[r] / D_t,0[r] on the untrained S-adaptor (module docstring)."""
    scale = {}
    with torch.no_grad():
        for task in tasks:
            scale[task.kind] = []
            for r in range(codec.rates):
                mse = dist = 0.0
                for _ in range(args.calibration_batches):
                    x = task.sampler.batch(args.batch)
                    rate = torch.full((args.batch,), r, dtype=torch.long)
                    y_dec, _ = encode_for_training(codec, analysis, x, rate)
                    mse += float(F.mse_loss(codec.g_s(y_dec).clamp(0, 1), x))
                    dist += float(task.distortion(y_dec, x, task.net.feature_maps(x), args.pixel_weight)[0])
                scale[task.kind].append(math.log(255.0 ** 2 * mse / max(dist, 1e-9)))
            scale[task.kind] = [math.exp(sum(scale[task.kind]) / codec.rates)] * codec.rates
    return scale


def checkpoint_state(analysis, tasks, opt, step, args, calibration, rng):
    return {"s_adaptor": analysis.blocks.state_dict(), "stages": list(analysis.stages),
            "t_adaptors": {t.kind: t.adaptor.blocks.state_dict() for t in tasks},
            "task_specs": [t.spec for t in tasks], "optimizer": opt.state_dict(), "step": step,
            "args": {k: v for k, v in vars(args).items() if k != "task"}, "mask_cells": args.mask_cells,
            "calibration": calibration, "samplers_rng": {t.kind: t.sampler.rng.getstate() for t in tasks},
            "rng": rng.getstate(), "torch_rng": torch.get_rng_state()}


def export_task_checkpoints(ck, folder):
    """One lic.adapt.train-format checkpoint per task (what lic.adapt.export reads)."""
    os.makedirs(folder, exist_ok=True)
    for kind, state in ck["t_adaptors"].items():
        atomic_save({"adaptor": state, "mask_cells": ck["mask_cells"], "step": ck["step"],
                     "args": {"joint_run": True, "s_adaptor_stages": ck["stages"]}},
                    os.path.join(folder, f"{kind}-adaptor.pt"))


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    kinds = [t["kind"] for t in args.task]
    if len(set(kinds)) != len(kinds):
        raise SystemExit("--task: one per kind")
    ckpt_path = os.path.join(args.out, "checkpoint.pt")
    if args.export_tasks:
        export_task_checkpoints(torch.load(ckpt_path, map_location="cpu"), args.export_tasks)
        return
    if not args.task:
        parser.error("give at least one --task")
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    codec, _ = load_model(args.codec_checkpoint)
    for p in codec.parameters():
        p.requires_grad_(False)
    analysis = SharedAnalysis(codec.g_a, k=args.mask_cells)
    tasks = [Task(spec, codec, args, args.seed + 10 * i) for i, spec in enumerate(args.task)]
    opt = torch.optim.Adam([{"params": analysis.adaptor_parameters(), "lr": args.lr, "base": args.lr}] +
                           [{"params": t.adaptor.adaptor_parameters(), "lr": args.task_lr, "base": args.task_lr}
                            for t in tasks])
    rng = random.Random(args.seed + 1)
    os.makedirs(args.out, exist_ok=True)
    step = 0
    if os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path, map_location="cpu")
        analysis.blocks.load_state_dict(ck["s_adaptor"])
        for t in tasks:
            t.adaptor.blocks.load_state_dict(ck["t_adaptors"][t.kind])
        step, calibration = ck["step"], ck["calibration"]
        if ck.get("slim"):  # weights only (lic.adapt.slim): a fresh optimizer and random streams
            print(f"{ckpt_path}: a slim checkpoint; continuing from its weights with a fresh optimizer")
        else:
            for t in tasks:
                t.sampler.rng.setstate(ck["samplers_rng"][t.kind])
            opt.load_state_dict(ck["optimizer"])
            rng.setstate(ck["rng"])
            torch.set_rng_state(ck["torch_rng"])
    else:
        calibration = calibrate(codec, analysis, tasks, args)
    log = open(os.path.join(args.out, "log.jsonl"), "a", encoding="utf-8")
    if step == 0:
        log.write(json.dumps({"calibration": calibration}) + "\n")
    started = last_ckpt = time.time()
    first_step = step
    acc = {}
    analysis.train()
    for t in tasks:
        t.adaptor.train()
    while step < args.steps:
        task = tasks[step % len(tasks)]
        x = task.sampler.batch(args.batch)
        r = rng.randrange(codec.rates)
        rate = torch.full((args.batch,), r, dtype=torch.long)
        lam = float(codec.lambdas[r])
        with torch.no_grad():
            teacher = task.net.feature_maps(x)
        for g in opt.param_groups:
            g["lr"] = learning_rate(step, args.steps, g["base"])
        y_dec, bits = encode_for_training(codec, analysis, x, rate)
        bpp = bits.mean() / (x.shape[2] * x.shape[3])
        mse_h = F.mse_loss(codec.g_s(y_dec), x)
        dist, feat = task.distortion(y_dec, x, teacher, args.pixel_weight)
        loss = bpp + lam * (args.human_weight * 255.0 ** 2 * mse_h +
                            (1 - args.human_weight) * calibration[task.kind][r] * dist)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_([p for g in opt.param_groups for p in g["params"]], 1.0)
        opt.step()
        step += 1
        rec = acc.setdefault(task.kind, {"loss": 0.0, "bpp": 0.0, "mse": 0.0, "feat": 0.0, "n": 0})
        for key, value in (("loss", loss), ("bpp", bpp), ("mse", mse_h), ("feat", feat)):
            rec[key] += float(value)
        rec["n"] += 1
        if step % args.log_every == 0:
            out = {"step": step, "lr": opt.param_groups[0]["lr"], "minutes": (time.time() - started) / 60,
                   "pixels": step * args.batch * args.crop * args.crop}
            for kind, a in acc.items():
                n = a.pop("n")
                out[kind] = {k: v / n for k, v in a.items()}
            log.write(json.dumps(out) + "\n")
            log.flush()
            acc = {}
        now = time.time()
        out_of_time = (args.max_minutes and (now - started) / 60 >= args.max_minutes) or \
            (args.run_steps and step - first_step >= args.run_steps)
        if now - last_ckpt >= 60 * args.checkpoint_minutes or step == args.steps or out_of_time:
            atomic_save(checkpoint_state(analysis, tasks, opt, step, args, calibration, rng), ckpt_path)
            last_ckpt = now
        if out_of_time:
            break
    atomic_save(checkpoint_state(analysis, tasks, opt, step, args, calibration, rng), ckpt_path)
    log.close()


if __name__ == "__main__":
    main()
