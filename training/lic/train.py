"""Rate-distortion training of the hyperprior codec, resumable from a checkpoint.

    /usr/bin/python3 -m lic.train --data ../shared/data/photos --out runs/s --steps 4000

Loss = lambda * 255^2 * MSE + bpp (CompressAI's convention for the MSE lambdas). A checkpoint
(model, optimizer, step, RNG-free) is written every --save-every steps and at the end; running the
same command again continues from it. The auxiliary quantile loss of CompressAI is not needed:
z is rounded to integers (no medians), and the CDF tables are built from the density itself.
"""
import argparse
import json
import math
import os
import time

import torch

from .data import CropSampler
from .model import HyperpriorCodec

# The project's data lives beside the repository: <repo>/../shared/data (see the developers' guide).
SHARED_DATA = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data"))
DEFAULT_PHOTOS = os.path.join(SHARED_DATA, "photos")


def rd_loss(out, x, lmbda):
    n, _, h, w = x.shape
    pixels = n * h * w
    bpp = sum(-torch.log2(out[k]).sum() for k in ("y_likelihoods", "z_likelihoods")) / pixels
    mse = torch.mean((out["x_hat"] - x) ** 2)
    return lmbda * 255 ** 2 * mse + bpp, bpp, mse


def save_checkpoint(path, model, opt, step, args, half=False):
    state = model.state_dict()
    if half:
        state = {k: v.half() if v.is_floating_point() else v for k, v in state.items()}
    tmp = path + ".tmp"
    torch.save({"model": state, "optimizer": None if half else opt.state_dict(), "step": step,
                "config": model.config(), "lambda": args.lmbda}, tmp)
    os.replace(tmp, path)


def load_model(path, map_location="cpu"):
    """Model (float32, eval mode) and the checkpoint dict."""
    ckpt = torch.load(path, map_location=map_location)
    model = HyperpriorCodec(**ckpt["config"])
    model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in ckpt["model"].items()})
    return model.eval(), ckpt


def learning_rate(step, args):
    # Constant, then a tenth for the last 15 % of the planned steps.
    return args.lr * (0.1 if step >= 0.85 * args.steps else 1.0)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=DEFAULT_PHOTOS)
    ap.add_argument("--out", required=True, help="run folder; holds checkpoint.pt and log.jsonl")
    ap.add_argument("--N", type=int, default=64)
    ap.add_argument("--M", type=int, default=96)
    ap.add_argument("--lmbda", type=float, default=0.0067)
    ap.add_argument("--steps", type=int, default=4000, help="total steps (resume continues to this)")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--crop", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads (0 = default)")
    ap.add_argument("--save-every", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = ap.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    os.makedirs(args.out, exist_ok=True)
    ckpt_path = os.path.join(args.out, "checkpoint.pt")
    torch.manual_seed(args.seed)

    model = HyperpriorCodec(args.N, args.M).to(args.device)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    step = 0
    if os.path.exists(ckpt_path):
        ckpt = torch.load(ckpt_path, map_location=args.device)
        model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in ckpt["model"].items()})
        if ckpt.get("optimizer"):
            opt.load_state_dict(ckpt["optimizer"])
        step = ckpt["step"]
        print(f"resumed from {ckpt_path} at step {step}")
    sampler = CropSampler(args.data, args.crop, seed=args.seed + step)
    model.train()
    log = open(os.path.join(args.out, "log.jsonl"), "a")
    t0, seen = time.time(), 0
    while step < args.steps:
        for g in opt.param_groups:
            g["lr"] = learning_rate(step, args)
        x = sampler.batch(args.batch).to(args.device)
        out = model(x)
        loss, bpp, mse = rd_loss(out, x, args.lmbda)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        seen += args.batch
        if step % 20 == 0:
            rec = {"step": step, "loss": loss.item(), "bpp": bpp.item(),
                   "psnr": -10 * math.log10(max(mse.item(), 1e-10)),
                   "crops_per_s": seen / (time.time() - t0)}
            log.write(json.dumps(rec) + "\n")
            log.flush()
            print(json.dumps(rec), flush=True)
        if step % args.save_every == 0 or step == args.steps:
            save_checkpoint(ckpt_path, model, opt, step, args)
    log.close()


if __name__ == "__main__":
    main()
