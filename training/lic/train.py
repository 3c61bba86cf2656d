"""Rate-distortion training of the hyperprior codec, resumable from a checkpoint.

    /usr/bin/python3 -m lic.train --data ../shared/data/photos --out runs/s --steps 4000

Loss = lambda * 255^2 * MSE + bpp (CompressAI's convention for the MSE lambdas). A checkpoint
(model, optimizer, step, RNG-free) is written every --save-every steps and at the end; running the
same command again continues from it. The auxiliary quantile loss of CompressAI is not needed:
z is rounded to integers (no medians), and the CDF tables are built from the density itself.

GPU runs (all optional; the defaults train exactly as before):
  --amp bf16         autocast the four transforms to bfloat16; quantisation, likelihoods and the loss
                     stay float32 (checked once at start; falls back to float32 where unsupported)
  --channels-last    NHWC memory format for the model and the batches
  --sampler device   decode the photos once into a uint8 pool on the device and cut/scale/flip the
                     crops there (lic.data.GpuCropSampler); "auto" (default) uses it on CUDA only
  --max-minutes M    stop cleanly, with a checkpoint, before M minutes after start (startup included)
  --run-steps K      stop after K steps of this invocation (the schedule still runs to --steps)
  --lr-schedule      step (default: lr, then lr * --decay-factor from --decay-at of --steps) or cosine
                     (to --lr-min), both after --warmup linear steps; a pure function of the step and
                     --steps, so a resumed run continues the same schedule
  --quality Q        lambda of quality Q (1-6): 0.0018, 0.0035, 0.0067, 0.013, 0.025, 0.0483
  --save-half PATH   also write an fp16, optimizer-free copy of each checkpoint (for travel)
  --resume-from CK   start from CK (full or half checkpoint) when --out has no checkpoint yet; without
                     optimizer state the lr is ramped up again over --rewarmup steps
The log (log.jsonl) records loss, bpp, PSNR, lr, it/s and crops/s.
"""
import argparse
import contextlib
import json
import math
import os
import signal
import time

import torch

from .data import CropSampler, GpuCropSampler
from .model import HyperpriorCodec

# The project's data lives beside the repository: <repo>/../shared/data (see the developers' guide).
SHARED_DATA = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data"))
DEFAULT_PHOTOS = os.path.join(SHARED_DATA, "photos")

# CompressAI's MSE lambdas of its qualities 1-6 (lic.reference_points has all eight).
LAMBDAS = (0.0018, 0.0035, 0.0067, 0.013, 0.025, 0.0483)
HALF_LIMIT_BYTES = 16 << 20


def rd_loss(out, x, lmbda):
    n, _, h, w = x.shape
    pixels = n * h * w
    bpp = sum(-torch.log2(out[k].float()).sum() for k in ("y_likelihoods", "z_likelihoods")) / pixels
    mse = torch.mean((out["x_hat"].float() - x.float()) ** 2)
    return lmbda * 255 ** 2 * mse + bpp, bpp, mse


def _contiguous(obj):
    if torch.is_tensor(obj):
        return obj.contiguous()
    if isinstance(obj, dict):
        return {k: _contiguous(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_contiguous(v) for v in obj]
    return obj


def save_checkpoint(path, model, opt, step, args, half=False):
    """Keys model/optimizer/step/config/lambda; tensors stored contiguous (also after --channels-last)."""
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    if half:
        state = {k: v.half() if v.is_floating_point() else v for k, v in state.items()}
    tmp = path + ".tmp"
    torch.save({"model": state, "optimizer": None if half else _contiguous(opt.state_dict()), "step": step,
                "config": model.config(), "lambda": args.lmbda}, tmp)
    os.replace(tmp, path)


def load_model(path, map_location="cpu"):
    """Model (float32, eval mode) and the checkpoint dict; variable-rate checkpoints (lic.train_vr,
    config arch "vr1") give a lic.model_vr.VariableRateCodec."""
    ckpt = torch.load(path, map_location=map_location)
    if ckpt["config"].get("arch") == "vr1":
        from .train_vr import build_model
        model = build_model(ckpt["config"])
        model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in ckpt["model"].items()})
        return model.eval(), ckpt
    model = HyperpriorCodec(**ckpt["config"])
    model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in ckpt["model"].items()})
    return model.eval(), ckpt


def learning_rate(step, args):
    """LR of a step: a pure function of (step, --steps, the schedule flags), hence resumable."""
    base = args.lr
    warmup = getattr(args, "warmup", 0) or 0
    if step < warmup:
        return base * (step + 1) / warmup
    schedule = getattr(args, "lr_schedule", "step")
    if schedule == "constant":
        return base
    if schedule == "cosine":
        lr_min = getattr(args, "lr_min", None)
        lr_min = base * 0.01 if lr_min is None else lr_min
        t = min(1.0, max(0.0, (step - warmup) / max(1, args.steps - warmup)))
        return lr_min + 0.5 * (base - lr_min) * (1 + math.cos(math.pi * t))
    if schedule == "step":
        # Constant, then a tenth (--decay-factor) for the last 15 % (from --decay-at) of the planned steps.
        at = getattr(args, "decay_at", 0.85)
        return base * (getattr(args, "decay_factor", 0.1) if step >= at * args.steps else 1.0)
    raise ValueError(f"unknown --lr-schedule {schedule!r}")


def autocast_context(device, amp):
    if amp == "bf16":
        return torch.autocast(device_type=device.type, dtype=torch.bfloat16)
    return contextlib.nullcontext()


def check_amp(amp, device):
    """The --amp mode that works here: 'bf16' when a forward+backward of a small codec runs under
    bfloat16 autocast on this device, else 'none' (with a message)."""
    if amp != "bf16":
        return "none"
    if device.type == "cuda" and not torch.cuda.is_bf16_supported():
        print("--amp bf16: this GPU has no bfloat16 support; training in float32", flush=True)
        return "none"
    try:
        m = HyperpriorCodec(8, 8).to(device).train()
        x = torch.rand(1, 3, 64, 64, device=device)
        with autocast_context(device, "bf16"):
            out = m(x)
        loss, _, _ = rd_loss(out, x, 0.01)
        loss.backward()
        if not torch.isfinite(loss):
            raise RuntimeError("non-finite loss")
        return "bf16"
    except Exception as e:                     # e.g. an old CPU build without bf16 kernels
        print(f"--amp bf16 unsupported on {device} with torch {torch.__version__} ({e}); training in float32",
              flush=True)
        return "none"


class _StopFlag:
    """Set by SIGTERM/SIGINT: the loop then checkpoints and stops at the next step boundary."""

    def __init__(self):
        self.reason = None
        self._old = {}

    def install(self):
        for sig in (signal.SIGTERM, signal.SIGINT):
            try:
                self._old[sig] = signal.signal(sig, self._handler)
            except (ValueError, OSError):          # not the main thread (tests): no handler
                pass

    def restore(self):
        for sig, h in self._old.items():
            signal.signal(sig, h)

    def _handler(self, signum, frame):
        self.reason = f"signal {signum}"


def build_parser():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=DEFAULT_PHOTOS)
    ap.add_argument("--out", required=True, help="run folder; holds checkpoint.pt and log.jsonl")
    ap.add_argument("--N", type=int, default=64)
    ap.add_argument("--M", type=int, default=96)
    ap.add_argument("--lmbda", type=float, default=None, help="rate-distortion trade-off (default 0.0067)")
    ap.add_argument("--quality", type=int, choices=range(1, len(LAMBDAS) + 1), default=None,
                    help="set lambda to that of quality 1-6: " + ", ".join(map(str, LAMBDAS)))
    ap.add_argument("--steps", type=int, default=4000, help="total steps (resume continues to this)")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--crop", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--lr-schedule", choices=("step", "cosine", "constant"), default="step")
    ap.add_argument("--warmup", type=int, default=0, help="linear warm-up steps")
    ap.add_argument("--decay-at", type=float, default=0.85, help="step schedule: fraction of --steps")
    ap.add_argument("--decay-factor", type=float, default=0.1, help="step schedule: lr multiplier after")
    ap.add_argument("--lr-min", type=float, default=None, help="cosine schedule: final lr (default lr/100)")
    ap.add_argument("--threads", type=int, default=0, help="torch CPU threads (0 = default)")
    ap.add_argument("--save-every", type=int, default=200)
    ap.add_argument("--log-every", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--amp", choices=("none", "bf16"), default="none")
    ap.add_argument("--channels-last", action="store_true")
    ap.add_argument("--sampler", choices=("auto", "cpu", "device"), default="auto")
    ap.add_argument("--max-images", type=int, default=0, help="use the first N photos only (0 = all)")
    ap.add_argument("--max-minutes", type=float, default=0, help="time budget of this invocation (0 = none)")
    ap.add_argument("--run-steps", type=int, default=0, help="steps of this invocation at most (0 = no limit)")
    ap.add_argument("--save-half", default=None, help="also write an fp16 optimizer-free checkpoint here")
    ap.add_argument("--resume-from", default=None, help="initial checkpoint when --out has none")
    ap.add_argument("--rewarmup", type=int, default=100,
                    help="after resuming a checkpoint without optimizer state (fp16 copy), ramp the lr up "
                         "linearly over this many steps while Adam re-estimates its moments (0 = off)")
    return ap


def main(argv=None):
    t_start = time.time()
    ap = build_parser()
    args = ap.parse_args(argv)
    if args.quality is not None:
        q_lmbda = LAMBDAS[args.quality - 1]
        if args.lmbda is not None and not math.isclose(args.lmbda, q_lmbda):
            ap.error(f"--lmbda {args.lmbda} contradicts --quality {args.quality} ({q_lmbda})")
        args.lmbda = q_lmbda
    if args.lmbda is None:
        args.lmbda = 0.0067
    if args.threads:
        torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
    os.makedirs(args.out, exist_ok=True)
    ckpt_path = os.path.join(args.out, "checkpoint.pt")
    torch.manual_seed(args.seed)

    start_from = ckpt_path if os.path.exists(ckpt_path) else args.resume_from
    ckpt = torch.load(start_from, map_location=device) if start_from else None
    N, M = (ckpt["config"]["N"], ckpt["config"]["M"]) if ckpt else (args.N, args.M)
    if ckpt and (N, M) != (args.N, args.M):
        print(f"checkpoint has N={N}, M={M}; --N/--M ignored", flush=True)
    model = HyperpriorCodec(N, M).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    step = 0
    rewarm = 0
    if ckpt:
        model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in ckpt["model"].items()})
        if ckpt.get("optimizer"):
            opt.load_state_dict(ckpt["optimizer"])
        step = ckpt["step"]
        if not ckpt.get("optimizer") and step > 0:
            rewarm = args.rewarmup
        if ckpt.get("lambda") is not None and not math.isclose(ckpt["lambda"], args.lmbda):
            print(f"note: checkpoint was trained with lambda {ckpt['lambda']}, continuing with {args.lmbda}",
                  flush=True)
        print(f"resumed from {start_from} at step {step}", flush=True)
        del ckpt
    if args.channels_last:
        model = model.to(memory_format=torch.channels_last)
    amp = check_amp(args.amp, device)
    use_device_sampler = args.sampler == "device" or (args.sampler == "auto" and device.type == "cuda")
    if use_device_sampler:
        sampler = GpuCropSampler(args.data, args.crop, seed=args.seed + step, device=device,
                                 max_images=args.max_images)
        print(f"device sampler: {len(sampler.images)} photos, {sampler.bytes / 2**20:.0f} MiB uint8 on {device}",
              flush=True)
    else:
        sampler = CropSampler(args.data, args.crop, seed=args.seed + step, max_images=args.max_images)
    model.train()
    log = open(os.path.join(args.out, "log.jsonl"), "a")
    deadline = t_start + 60 * args.max_minutes if args.max_minutes else None
    stop = _StopFlag()
    stop.install()
    save_s = 0.5                       # grows to the measured time of a save
    step_s = None                      # moving average of a step's wall time
    t0, seen, start_step = time.time(), 0, step
    t_last, step_last = t0, step

    def save():
        nonlocal save_s
        ts = time.time()
        save_checkpoint(ckpt_path, model, opt, step, args)
        if args.save_half:
            save_checkpoint(args.save_half, model, opt, step, args, half=True)
            size = os.path.getsize(args.save_half)
            if size > HALF_LIMIT_BYTES:
                print(f"warning: {args.save_half} is {size} bytes (> 16 MiB)", flush=True)
        save_s = max(save_s, time.time() - ts)

    try:
        while step < args.steps:
            if args.run_steps and step - start_step >= args.run_steps:
                stop.reason = f"--run-steps {args.run_steps}"
            if deadline is not None and time.time() + 2 * (step_s or 0.0) + 2 * save_s + 0.5 >= deadline:
                stop.reason = f"--max-minutes {args.max_minutes}"
            if stop.reason:
                break
            ts = time.time()
            lr = learning_rate(step, args)
            if step - start_step < rewarm:
                lr *= (step - start_step + 1) / rewarm
            for g in opt.param_groups:
                g["lr"] = lr
            x = sampler.batch(args.batch).to(device, non_blocking=True)
            if args.channels_last:
                x = x.contiguous(memory_format=torch.channels_last)
            with autocast_context(device, amp):
                out = model(x)
            loss, bpp, mse = rd_loss(out, x, args.lmbda)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            step += 1
            seen += args.batch
            dt = time.time() - ts
            step_s = dt if step_s is None else 0.9 * step_s + 0.1 * dt
            if step % args.log_every == 0:
                now = time.time()
                rec = {"step": step, "loss": loss.item(), "bpp": bpp.item(),
                       "psnr": -10 * math.log10(max(mse.item(), 1e-10)), "lr": lr,
                       "crops_per_s": seen / (now - t0), "it_per_s": (step - start_step) / (now - t0),
                       "it_per_s_recent": (step - step_last) / max(now - t_last, 1e-9)}
                if amp != "none":
                    rec["amp"] = amp
                t_last, step_last = now, step
                log.write(json.dumps(rec) + "\n")
                log.flush()
                print(json.dumps(rec), flush=True)
            if step % args.save_every == 0 or step == args.steps:
                save()
        if stop.reason and step > start_step and step % args.save_every != 0:
            save()                     # (a multiple of --save-every was saved in the loop)
    finally:
        stop.restore()
        log.close()
    elapsed = time.time() - t0
    summary = {"stopped": stop.reason or "done", "step": step, "steps_this_run": step - start_step,
               "seconds": round(time.time() - t_start, 1),
               "it_per_s": round((step - start_step) / max(elapsed, 1e-9), 3),
               "crops_per_s": round(seen / max(elapsed, 1e-9), 2), "amp": amp,
               "sampler": "device" if use_device_sampler else "cpu"}
    print(json.dumps(summary), flush=True)
    return summary


if __name__ == "__main__":
    main()
