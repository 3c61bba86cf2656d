"""A quick look at a lic.adapt.joint checkpoint: S-adaptor + its T-adaptors against the base codec + the
T-adaptors it started from, on fixed crops, per task and rate.

    python3 -m lic.adapt.joint_probe runs/s-vr/checkpoint.pt [--crops 6] [--rates 0,2,4,6]

For each (task, rate): bits per pixel (the frozen entropy model on hard-rounded latents: the model's
estimate of the real bitstream), PSNR of the human decode, and the task's distillation loss D (what the
training minimises: lower is closer to the task network on the original). Minutes instead of the hour a
real evaluation (lic.adapt.evaluate) takes on the CPU, so it decides whether a run is worth evaluating.
"""
import argparse
import json
import math

import torch
import torch.nn.functional as F

from ..data import CropSampler
from ..entropy import gaussian_likelihood
from ..train_vr import load_model
from .sanalysis import SharedAnalysis
from .tasknet import TaskNetwork
from .train import distillation_loss
from .tsynthesis import TaskSynthesis

PROBE_DATA = {"detection": "../../shared/data/photos", "segmentation": "../../shared/data/camvid/val"}


@torch.no_grad()
def measure(codec, analysis, synthesis, net, x, rate_index):
    """(bpp, human PSNR dB, D) of one batch at one rate, with hard rounding as the real encoder."""
    rate = torch.full((x.shape[0],), rate_index, dtype=torch.long)
    gain, inv_gain = codec.gains(rate)
    yg = analysis(x) * gain
    z_hat = torch.round(codec.h_a(yg))
    bits = -torch.log2(codec.z_prior.likelihood(z_hat)).sum()
    scales, means = codec.hyper_params(z_hat)
    yg_hat = torch.round(yg - means) + means
    bits = bits - torch.log2(gaussian_likelihood(yg_hat, scales, means)).sum()
    y_dec = yg_hat * inv_gain
    mse = float(F.mse_loss(codec.g_s(y_dec).clamp(0, 1), x))
    d = float(distillation_loss(net.feature_maps(synthesis(y_dec).clamp(0, 1)), net.feature_maps(x)))
    return float(bits) / (x.shape[0] * x.shape[2] * x.shape[3]), 10 * math.log10(1 / mse), d


def main(argv=None):
    p = argparse.ArgumentParser(prog="python3 -m lic.adapt.joint_probe", description=__doc__.split("\n")[0])
    p.add_argument("checkpoint")
    p.add_argument("--codec-checkpoint", default="checkpoints/hyperprior-vr.pt")
    p.add_argument("--crops", type=int, default=6)
    p.add_argument("--crop", type=int, default=256)
    p.add_argument("--rates", default="0,2,4,6")
    p.add_argument("--seed", type=int, default=123)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    codec, _ = load_model(args.codec_checkpoint)
    ck = torch.load(args.checkpoint, map_location="cpu")
    shared = SharedAnalysis(codec.g_a, k=ck["mask_cells"], stages=ck["stages"])
    shared.blocks.load_state_dict(ck["s_adaptor"])
    shared.eval()
    rows = []
    for spec in ck["task_specs"]:
        net = TaskNetwork(spec["model"], spec["format"], spec["features"]).eval()
        before, after = TaskSynthesis(codec.g_s, k=ck["mask_cells"]), TaskSynthesis(codec.g_s, k=ck["mask_cells"])
        if spec.get("init"):
            before.blocks.load_state_dict(torch.load(spec["init"], map_location="cpu")["adaptor"])
        after.blocks.load_state_dict(ck["t_adaptors"][spec["kind"]])
        x = CropSampler(PROBE_DATA.get(spec["kind"], spec["data"]), crop=args.crop, seed=args.seed).batch(args.crops)
        for r in (int(v) for v in args.rates.split(",")):
            b = measure(codec, codec.g_a, before.eval(), net, x, r)
            s = measure(codec, shared, after.eval(), net, x, r)
            row = {"task": spec["kind"], "rate": r, "base": dict(zip(("bpp", "psnr", "D"), b)),
                   "s_adapted": dict(zip(("bpp", "psnr", "D"), s))}
            rows.append(row)
            print(f"{spec['kind']:12s} rate {r}: base {b[0]:.4f} bpp {b[1]:.2f} dB D {b[2]:.4f} | "
                  f"S+T {s[0]:.4f} bpp ({100 * (s[0] / b[0] - 1):+.1f} %) {s[1]:.2f} dB D {s[2]:.4f} "
                  f"({100 * (s[2] / b[2] - 1):+.1f} %)", flush=True)
    print(json.dumps({"checkpoint_step": ck["step"], "rows": rows}))


if __name__ == "__main__":
    main()
