"""Training of the variable-rate codec (lic.model_vr), resumable exactly, with a Kodak learning curve.

    /usr/bin/python3 -m lic.train_vr --out runs/vr --max-minutes 170 --threads 2 --amp bf16 --channels-last  # CPU
    python3 -m lic.train_vr --out /tmp/vr --device cuda --amp bf16 --channels-last --batch 64 --max-minutes 8.5

On a CPU with AVX-512 BF16 (this project's AMD EPYC), bf16 autocast with channels-last runs a step of
8 x 256^2 crops 2.3x faster than float32 (0.68 s against 1.59 s on 2 threads; docs/rd/README.md). Without
that instruction set bf16 may be emulated and slower: time a few --run-steps both ways first.

Recipe (issue 7; what converges fast without many GPU-days):
- phase 1 (--phase1 of the steps): every crop at one mid/high rate (--phase1-rate), i.e. a plain
  single-rate run that trains the transforms; phase 2: every crop gets a uniformly drawn rate index, so
  the per-rate gains and the shared transforms learn all rates; loss = mean_i(lambda_i 255^2 MSE_i + bpp_i);
- Adam, linear warm-up, constant, then a cosine decay to --lr-min (1e-5) over the last --decay of the
  steps; gradient clipping at 1; a step with a non-finite loss is skipped (and counted);
- crops of --crop (256: a 4x4 hyper-latent) from the photos, flipped, randomly down-scaled; a fraction
  (--synthetic) from lic.synthetic's procedural images (flat colour, edges, text); colour jitter
  (saturation, brightness) on --jitter of the crops;
- with --steps 0 the number of steps is planned from the time budget: the first --probe-steps steps
  and one Kodak evaluation are timed, and the rest of --max-minutes is filled. The plan is stored in
  the checkpoint, so a resumed run continues the same schedule;
- the Kodak curve (--kodak, every --eval-minutes, and at the end): per rate, the mean estimated bpp
  (-log2 likelihoods + the 60-byte header) and PSNR of the 8-bit output, against pixels seen. Real
  bitstreams come from lic.evaluate / lic rd tools after export; they agree within ~0.5 %.

Checkpoint (atomic): model, optimizer, step, planned steps, pixels seen, config, RNG states (torch, CUDA,
samplers).
--save-half writes an fp16 optimizer-free copy (for travel and for export); resuming from one ramps the
lr up again over --rewarmup steps while Adam re-estimates its moments.
"""
import argparse
import json
import math
import os
import random
import time

import numpy as np
import torch

from . import synthetic
from .data import CropSampler, GpuCropSampler, list_images, load_rgb
from .model_vr import VariableRateCodec
from .train import DEFAULT_PHOTOS, HALF_LIMIT_BYTES, SHARED_DATA, _StopFlag, autocast_context

DEFAULT_KODAK = os.path.join(SHARED_DATA, "kodak")
HEADER_BITS = 480


def per_sample_loss(out, x, lambdas):
    """(loss, bpp [B], mse [B]) with loss = mean_i(lambda_i 255^2 mse_i + bpp_i)."""
    n, _, h, w = x.shape
    bits = sum(-torch.log2(out[k].float()).flatten(1).sum(1) for k in ("y_likelihoods", "z_likelihoods"))
    bpp = bits / (h * w)
    mse = ((out["x_hat"].float() - x.float()) ** 2).flatten(1).mean(1)
    return (lambdas * 255 ** 2 * mse + bpp).mean(), bpp, mse


def learning_rate(step, steps, args):
    """Warm-up, constant, cosine to lr_min over the last `decay` fraction: a pure function of the step.
    With --schedule-from S (a continued run) the schedule starts at step S."""
    origin = args.schedule_from
    step, steps = step - origin, steps - origin
    if step < args.warmup:
        return args.lr * (step + 1) / args.warmup
    start = steps * (1 - args.decay)
    if step < start:
        return args.lr
    t = min(1.0, (step - start) / max(1.0, steps - start))
    return args.lr_min + 0.5 * (args.lr - args.lr_min) * (1 + math.cos(math.pi * t))


def rate_indexes(step, steps, batch, rng, args, rates):
    if step - args.schedule_from < args.phase1 * (steps - args.schedule_from):
        return torch.full((batch,), args.phase1_rate, dtype=torch.long)
    return torch.tensor([rng.randrange(rates) for _ in range(batch)], dtype=torch.long)


def colour_jitter(x, rng, prob):
    """Per-crop saturation (0.5-1.6) and brightness (0.85-1.15) changes on a random subset, clamped."""
    n = x.shape[0]
    pick = [i for i in range(n) if rng.random() < prob]
    if not pick:
        return x
    sat = torch.tensor([rng.uniform(0.5, 1.6) for _ in pick], device=x.device).view(-1, 1, 1, 1)
    bri = torch.tensor([rng.uniform(0.85, 1.15) for _ in pick], device=x.device).view(-1, 1, 1, 1)
    idx = torch.tensor(pick, device=x.device)
    sub = x[idx]
    gray = (0.299 * sub[:, 0:1] + 0.587 * sub[:, 1:2] + 0.114 * sub[:, 2:3])
    x[idx] = ((gray + sat * (sub - gray)) * bri).clamp_(0.0, 1.0)
    return x


class MixedSampler:
    """Crops from the photos and, round(batch * fraction) of each batch, from the synthetic pool."""

    def __init__(self, args, device, seed):
        use_device = args.sampler == "device" or (args.sampler == "auto" and device.type == "cuda")
        cls = (lambda src, s: GpuCropSampler(src, args.crop, seed=s, device=device, max_images=args.max_images)) \
            if use_device else (lambda src, s: CropSampler(src, args.crop, seed=s, max_images=args.max_images))
        self.kind = "device" if use_device else "cpu"
        self.photos = cls(args.data, seed)
        self.synth = None
        self.k = 0
        if args.synthetic > 0:
            # The pool depends on --seed only, so that a resumed run sees the same images.
            pool = synthetic.make_pool(args.synthetic_count, 384, seed=args.seed, font_dirs=args.font_dirs)
            self.synth = cls(pool, seed + 1)
            self.k = int(round(args.batch * args.synthetic))
        self.device = device

    def batch(self, n):
        k = min(self.k, n)
        parts = [self.photos.batch(n - k).to(self.device, non_blocking=True)]
        if k:
            parts.append(self.synth.batch(k).to(self.device, non_blocking=True))
        return torch.cat(parts)

    def state(self):
        return {"photos": self.photos.rng.getstate(), "synth": self.synth.rng.getstate() if self.synth else None}

    def restore(self, state):
        self.photos.rng.setstate(state["photos"])
        if self.synth is not None and state.get("synth") is not None:
            self.synth.rng.setstate(state["synth"])


def load_eval_images(folder, limit):
    paths = list_images(folder)[:limit or None]
    return [torch.from_numpy(np.asarray(load_rgb(p), dtype=np.uint8).transpose(2, 0, 1).copy()) for p in paths]


@torch.no_grad()
def evaluate_kodak(model, images, device, channels_last=False):
    """Per rate: mean estimated bpp (header included) and mean PSNR of the 8-bit output, float32."""
    was_training = model.training
    model.eval()
    res = []
    for r in range(model.rates):
        bpps, psnrs = [], []
        for img in images:
            _, h, w = img.shape
            x = img.to(device).float().div(255.0)[None]
            hp, wp = -(-h // 64) * 64, -(-w // 64) * 64
            xp = torch.nn.functional.pad(x, (0, wp - w, 0, hp - h), mode="replicate")
            if channels_last:
                xp = xp.contiguous(memory_format=torch.channels_last)
            out = model(xp, torch.tensor([r], device=device))
            bits = sum(-torch.log2(out[k].float()).sum() for k in ("y_likelihoods", "z_likelihoods")).item()
            bpps.append((bits + HEADER_BITS) / (h * w))
            rec = out["x_hat"][0, :, :h, :w].float().clamp(0, 1).mul(255).round()
            mse = ((rec - img.to(device).float()) ** 2).mean().item()
            psnrs.append(10 * math.log10(255 ** 2 / max(mse, 1e-10)))
        res.append({"rate": r, "bpp": sum(bpps) / len(bpps), "psnr": sum(psnrs) / len(psnrs)})
    model.train(was_training)
    return res


def save_checkpoint(path, model, opt, step, steps, args, sampler, rng, pixels, half=False):
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    if half:
        state = {k: v.half() if v.is_floating_point() and k != "lambdas" else v for k, v in state.items()}
    ck = {"model": state, "step": step, "steps": steps, "config": model.config(), "arch": "vr1",
          "pixels_seen": pixels}
    if not half:
        ck["optimizer"] = opt.state_dict()
        ck["rng"] = {"torch": torch.get_rng_state(), "python": rng.getstate(), "sampler": sampler.state(),
                     "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None}
    tmp = path + ".tmp"
    torch.save(ck, tmp)
    os.replace(tmp, path)


def _load(path):
    """torch.load of our own checkpoints (dicts with RNG states: not 'weights only' in torch >= 2.6)."""
    try:
        return torch.load(path, map_location="cpu", weights_only=False)
    except TypeError:                          # torch < 1.13 has no weights_only
        return torch.load(path, map_location="cpu")


def build_model(config):
    return VariableRateCodec(N=config["N"], M=config["M"], widths=tuple(config["widths"]),
                             lambdas=tuple(config["lambdas"]), shortcut=config["shortcut"],
                             analysis=config.get("analysis", 128))


def load_model(path, map_location="cpu"):
    """Model (float32, eval mode) and the checkpoint dict."""
    ckpt = _load(path)
    model = build_model(ckpt["config"])
    model.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in ckpt["model"].items()})
    return model.eval(), ckpt


def build_parser():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=DEFAULT_PHOTOS)
    ap.add_argument("--kodak", default=DEFAULT_KODAK, help="evaluation folder ('' = none)")
    ap.add_argument("--eval-images", type=int, default=0, help="evaluate on the first N images (0 = all)")
    ap.add_argument("--eval-minutes", type=float, default=1.5)
    ap.add_argument("--out", required=True)
    ap.add_argument("--N", type=int, default=128)
    ap.add_argument("--M", type=int, default=192)
    ap.add_argument("--analysis", type=int, default=128, help="channels of the analysis stages")
    ap.add_argument("--widths", default="128,64,32", help="synthesis channels at 1/8, 1/4, 1/2")
    ap.add_argument("--no-shortcut", action="store_true", help="without the linear paths (analysis shortcuts, synthesis path)")
    ap.add_argument("--steps", type=int, default=0, help="planned steps (0 = plan from --max-minutes)")
    ap.add_argument("--probe-steps", type=int, default=60)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--crop", type=int, default=256)
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--lr-min", type=float, default=1e-5)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--decay", type=float, default=0.15, help="fraction of steps of the final decay")
    ap.add_argument("--phase1", type=float, default=0.4, help="fraction of steps at one rate")
    ap.add_argument("--phase1-rate", type=int, default=5)
    ap.add_argument("--synthetic", type=float, default=0.15, help="fraction of each batch from lic.synthetic")
    ap.add_argument("--synthetic-count", type=int, default=400)
    ap.add_argument("--font-dirs", default="", help="extra folders with .ttf fonts, comma-separated")
    ap.add_argument("--jitter", type=float, default=0.3, help="fraction of crops colour-jittered")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--amp", choices=("none", "bf16"), default="none")
    ap.add_argument("--channels-last", action="store_true")
    ap.add_argument("--sampler", choices=("auto", "cpu", "device"), default="auto")
    ap.add_argument("--max-images", type=int, default=0)
    ap.add_argument("--max-minutes", type=float, default=0)
    ap.add_argument("--run-steps", type=int, default=0, help="stop after K steps of this invocation "
                    "(the schedule still runs to --steps)")
    ap.add_argument("--save-minutes", type=float, default=10.0, help="checkpoint interval")
    ap.add_argument("--log-every", type=int, default=50)
    ap.add_argument("--save-half", default=None)
    ap.add_argument("--resume-from", default=None)
    ap.add_argument("--rewarmup", type=int, default=100)
    ap.add_argument("--schedule-from", type=int, default=0,
                    help="continue a finished run with a new schedule (warm-up, phases, decay) from this step")
    ap.add_argument("--lambdas", default="", help="new lambdas of the rate indexes (comma-separated)")
    return ap


def _check_amp(amp, device, model_config):
    if amp != "bf16":
        return "none"
    try:
        m = build_model(dict(model_config, N=8, M=8, widths=[8, 8, 8], analysis=8)).to(device).train()
        x = torch.rand(2, 3, 64, 64, device=device)
        with autocast_context(device, "bf16"):
            out = m(x, torch.tensor([0, 1], device=device))
        loss, _, _ = per_sample_loss(out, x, m.lambdas[:2])
        loss.backward()
        if not torch.isfinite(loss):
            raise RuntimeError("non-finite loss")
        return "bf16"
    except Exception as e:                     # noqa: BLE001 - any failure means: train in float32
        print(f"--amp bf16 unsupported here ({e}); training in float32", flush=True)
        return "none"


def main(argv=None):
    t_start = time.time()
    args = build_parser().parse_args(argv)
    args.font_dirs = [d for d in args.font_dirs.split(",") if d]
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
    rng = random.Random(args.seed)

    start_from = ckpt_path if os.path.exists(ckpt_path) else args.resume_from
    ckpt = _load(start_from) if start_from else None
    config = ckpt["config"] if ckpt else VariableRateCodec(
        args.N, args.M, tuple(int(v) for v in args.widths.split(",")), shortcut=not args.no_shortcut,
        analysis=args.analysis).config()
    if args.lambdas:
        lambdas = [float(v) for v in args.lambdas.split(",")]
        if len(lambdas) != len(config["lambdas"]):
            raise SystemExit(f"--lambdas needs {len(config['lambdas'])} values")
        config = dict(config, lambdas=lambdas)
    model = build_model(config).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    step, steps, rewarm = 0, args.steps, 0
    sampler_state, pixels = None, None
    if ckpt:
        state = {k: v.float() if v.is_floating_point() else v for k, v in ckpt["model"].items()}
        state["lambdas"] = model.lambdas.detach().clone()         # the config's (maybe new) lambdas
        model.load_state_dict(state)
        step = ckpt["step"]
        pixels = ckpt.get("pixels_seen")
        steps = args.steps or (0 if args.schedule_from else ckpt.get("steps")) or 0
        if ckpt.get("optimizer"):
            opt.load_state_dict(ckpt["optimizer"])
        elif step > 0:
            rewarm = args.rewarmup
        if ckpt.get("rng"):
            torch.set_rng_state(ckpt["rng"]["torch"])
            rng.setstate(ckpt["rng"]["python"])
            if ckpt["rng"].get("cuda") and torch.cuda.is_available():
                torch.cuda.set_rng_state_all(ckpt["rng"]["cuda"])
            sampler_state = ckpt["rng"]["sampler"]
        print(f"resumed from {start_from} at step {step} of {steps}", flush=True)
        del ckpt
    if args.channels_last:
        model = model.to(memory_format=torch.channels_last)
    amp = _check_amp(args.amp, device, config)
    sampler = MixedSampler(args, device, args.seed + step)
    if sampler_state:
        sampler.restore(sampler_state)
    eval_images = load_eval_images(args.kodak, args.eval_images) if args.kodak else []
    params = sum(p.numel() for p in model.parameters())
    print(json.dumps({"config": config, "params": params, "amp": amp, "sampler": sampler.kind,
                      "photos": len(sampler.photos.images), "eval_images": len(eval_images),
                      "setup_s": round(time.time() - t_start, 1)}), flush=True)
    model.train()
    log = open(os.path.join(args.out, "log.jsonl"), "a")
    deadline = t_start + 60 * args.max_minutes if args.max_minutes else None
    stop = _StopFlag()
    stop.install()
    save_s, eval_s, step_s = 1.0, 0.0, None
    if pixels is None:
        # pixels seen (crops x crop area); checkpoints before 2026-12-01 do not record it, so a resumed
        # one is estimated as if all its steps had this run's batch and crop
        pixels = step * args.batch * args.crop ** 2
    t0, start_step, skipped = time.time(), step, 0
    t_probe = None
    t_last_save = t_last_eval = time.time()
    plan_at = None                                       # (step, time) when the schedule was planned
    overhead_s = 0.0                                     # time in evaluations and saves since then

    def emit(rec):
        log.write(json.dumps(rec) + "\n")
        log.flush()
        print(json.dumps(rec), flush=True)

    def save():
        nonlocal save_s, t_last_save, overhead_s
        ts = time.time()
        save_checkpoint(ckpt_path, model, opt, step, steps, args, sampler, rng, pixels)
        if args.save_half:
            save_checkpoint(args.save_half, model, opt, step, steps, args, sampler, rng, pixels, half=True)
            if os.path.getsize(args.save_half) > HALF_LIMIT_BYTES:
                print(f"warning: {args.save_half} is over 16 MiB", flush=True)
        save_s = max(save_s, time.time() - ts)
        t_last_save = time.time()
        overhead_s += time.time() - ts

    def run_eval():
        nonlocal eval_s, t_last_eval, overhead_s
        if not eval_images:
            return
        ts = time.time()
        res = evaluate_kodak(model, eval_images, device, args.channels_last)
        eval_s = time.time() - ts
        t_last_eval = time.time()
        overhead_s += eval_s
        emit({"kodak": res, "step": step, "pixels_seen": pixels, "eval_s": round(eval_s, 1),
              "elapsed_s": round(time.time() - t_start, 1)})

    try:
        while True:
            if steps and step >= steps:
                break
            now = time.time()
            if deadline is not None and now + 2 * (step_s or 0) + 2 * save_s + eval_s + 1 >= deadline:
                stop.reason = f"--max-minutes {args.max_minutes}"
            if args.run_steps and step - start_step >= args.run_steps:
                stop.reason = f"--run-steps {args.run_steps}"
            if stop.reason:
                break
            if not steps and step - start_step == args.probe_steps:
                # Plan the schedule from the measured step time and one evaluation's time.
                run_eval()
                left = (deadline - time.time()) if deadline else 3600.0
                n_evals = int(left // (60 * args.eval_minutes)) + 1 if eval_images else 0
                n_saves = int(left // (60 * args.save_minutes)) + 2
                budget = left - n_evals * eval_s - n_saves * save_s - 5
                steps = step + max(1, int(0.97 * budget / (step_s or 1.0)))
                emit({"planned_steps": steps, "step_s": round(step_s, 4), "eval_s": round(eval_s, 1)})
                plan_at = (step, time.time())
                overhead_s = 0.0
            if plan_at and deadline and step - plan_at[0] >= 20 and \
                    step == args.schedule_from + int(0.3 * (steps - args.schedule_from)):
                # Once more, from the measured wall time per step (evaluations and saves included),
                # before phase 1 ends, so that the schedule fills the budget.
                per_step = (time.time() - plan_at[1] - overhead_s) / (step - plan_at[0])
                left = deadline - time.time()
                n_evals = int(left // (60 * args.eval_minutes)) + 1 if eval_images else 0
                n_saves = int(left // (60 * args.save_minutes)) + 2
                left -= n_evals * eval_s + n_saves * save_s + 5
                steps = step + max(1, int(0.97 * left / per_step))
                plan_at = None
                emit({"replanned_steps": steps, "wall_s_per_step": round(per_step, 4)})
            ts = time.time()
            plan = steps or 10 ** 9
            lr = learning_rate(step, plan, args)
            if step - start_step < rewarm:
                lr *= (step - start_step + 1) / rewarm
            for g in opt.param_groups:
                g["lr"] = lr
            x = sampler.batch(args.batch)
            x = colour_jitter(x, rng, args.jitter)
            if args.channels_last:
                x = x.contiguous(memory_format=torch.channels_last)
            rate = rate_indexes(step, plan, args.batch, rng, args, model.rates).to(device)
            with autocast_context(device, amp):
                out = model(x, rate)
            loss, bpp, mse = per_sample_loss(out, x, model.lambdas[rate])
            opt.zero_grad(set_to_none=True)
            if torch.isfinite(loss):
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                opt.step()
                skipped = 0
            else:
                skipped += 1
                if skipped >= 50:
                    stop.reason = "50 non-finite losses in a row"
            step += 1
            pixels += args.batch * args.crop ** 2
            if device.type == "cuda" and step - start_step <= args.probe_steps:
                torch.cuda.synchronize()
            dt = time.time() - ts
            if step - start_step == min(10, args.probe_steps // 2):   # the first steps pay for autotuning
                t_probe = (step, time.time())
            if t_probe and step > t_probe[0]:
                step_s = (time.time() - t_probe[1]) / (step - t_probe[0]) if step - start_step <= args.probe_steps \
                    else 0.95 * step_s + 0.05 * dt
            elif step_s is None:
                step_s = dt
            if step % args.log_every == 0:
                mse_m = mse.mean().item()
                emit({"step": step, "of": steps, "loss": loss.item(), "bpp": bpp.mean().item(),
                      "psnr": -10 * math.log10(max(mse_m, 1e-10)), "lr": lr,
                      "phase": 1 if step - args.schedule_from < args.phase1 * (plan - args.schedule_from) else 2, "pixels_seen": pixels,
                      "it_per_s": round((step - start_step) / (time.time() - t0), 3),
                      "elapsed_s": round(time.time() - t_start, 1)})
            if time.time() - t_last_save >= 60 * args.save_minutes:
                save()
            if eval_images and steps and time.time() - t_last_eval >= 60 * args.eval_minutes:
                run_eval()
        save()
        run_eval()
    finally:
        stop.restore()
        log.close()
    summary = {"stopped": stop.reason or "done", "step": step, "steps": steps, "steps_this_run": step - start_step,
               "seconds": round(time.time() - t_start, 1), "pixels_seen": pixels, "amp": amp}
    print(json.dumps(summary), flush=True)
    return summary


if __name__ == "__main__":
    main()
