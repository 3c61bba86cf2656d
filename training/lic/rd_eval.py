"""Rate-distortion evaluation on Kodak: our codec packs (real bitstreams) against JPEG, WebP and AVIF
(measured here with their command-line tools) and CompressAI's published hyperprior curves.

    /usr/bin/python3 -m lic.rd_eval \\
        --pack ../codec-core/src/main/resources/lic/packs/codec/hyperprior-s --checkpoint runs/hyperprior-s/checkpoint.pt \\
        [--pack DIR --checkpoint CKPT [--label NAME] ...] \\
        --out-json ../docs/rd/kodak-rd.json --out-png ../docs/rd/kodak-rd.png

Ours: every image goes through lic.evaluate's real-bitstream path (reference encoder, rANS, container,
pack-only latent decoding checked against the encoder, then the checkpoint's g_s); bpp = bitstream bytes
(60-byte header and CRC included) * 8 / pixels. Packs with the same --label form one curve (one pack per
rate of a version 1 pack; every rate index of a version 2, variable-rate pack); the pack must have been
exported from its checkpoint (checked via the z entropy tables).
Baselines: real file sizes of cjpeg / cwebp / avifenc outputs (lic.baselines), decoded by their own
decoders. All metrics on 8-bit RGB: PSNR from the MSE over the three channels, MS-SSIM per lic.msssim;
a curve point is the mean over images of bpp, PSNR and MS-SSIM (CompressAI's convention).

BD-rates (lic.bdrate, PCHIP by default, the cubic fit too) are computed for every curve with >= 4 points
against every baseline, over the full shared range and over --range (default 0.1-0.5 bpp of the anchor).
A curve with fewer points (ours today) gets, instead, the PSNR gap at its bpp and the rate difference
at its PSNR against each curve, interpolated with PCHIP in log-rate.
"""
import argparse
import concurrent.futures as cf
import copy
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
from PIL import Image

from . import baselines, bdrate
from .data import list_images, load_rgb
from .evaluate import DEFAULT_KODAK, evaluate_image, psnr
from .msssim import ms_ssim
from .pack import load_codec_pack, sha256_file
from .reference_points import REFERENCE_CURVES
from .train import load_model

REPO = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_JSON = os.path.join(REPO, "docs", "rd", "kodak-rd.json")
DEFAULT_PNG = os.path.join(REPO, "docs", "rd", "kodak-rd.png")
MEASURED = ("jpeg", "webp", "avif")


# ---------------------------------------------------------------- our packs

def pack_matches_checkpoint(model, pack):
    """True when the pack's z entropy tables are exactly those the checkpoint's prior gives (the pack
    was exported from this checkpoint); (False, reason) otherwise."""
    from . import tables
    if (model.N, model.M) != (pack.net.N, pack.net.M):
        return False, f"N, M differ: checkpoint {model.N}, {model.M} vs pack {pack.net.N}, {pack.net.M}"
    built = tables.build(model.z_prior, pack.net.F).to_bytes()
    with open(os.path.join(pack.path, "entropy_tables.bin"), "rb") as f:
        if f.read() != built:
            return False, "entropy_tables.bin differs from the tables the checkpoint's z prior gives"
    return True, ""


def check_pack(pack_dir, ckpt_path):
    """SystemExit unless the pack was exported from the checkpoint (run for every pack before any work)."""
    model, _ = load_model(ckpt_path)
    ok, why = pack_matches_checkpoint(model, load_codec_pack(pack_dir))
    if not ok:
        raise SystemExit(f"pack {pack_dir} was not exported from {ckpt_path}: {why}.\n"
                         f"Export a matching pack first, e.g. python -m lic.export --checkpoint {ckpt_path} "
                         f"--codec-out /tmp/rd-pack/codec --adaptor-out /tmp/rd-pack/human "
                         f"(or name it with --unchecked, e.g. for an fp16 copy of the exported checkpoint)")


def eval_pack(pack_dir, ckpt_path, images, label=None, log=print, s_adaptor=None, human_adaptor=None):
    """One point per rate; a pack derived from another (an S-adapted codec, `base_codec_id` in its manifest)
    encodes with the S-adaptor of `s_adaptor` (a lic.adapt.joint checkpoint). With `human_adaptor` (a
    lic.adapt --task human checkpoint) that T-synthesis decodes in place of the checkpoint's g_s."""
    model, ckpt = load_model(ckpt_path)
    pack = load_codec_pack(pack_dir)
    if pack.manifest.get("base_codec_id"):
        if not s_adaptor:
            raise SystemExit(f"{pack_dir} is an S-adapted codec: give its --s-adaptor checkpoint")
        from .adapt.export_shared import with_shared_analysis
        model, _ = with_shared_analysis(model, s_adaptor)
    if human_adaptor:
        from .adapt.export import load_adaptor
        model = copy.copy(model)
        model.g_s = load_adaptor(model, human_adaptor)[0]
    rates = sorted(pack.rate_indexes)
    points = []
    for rate in rates:
        rows = []
        for name, image in images:
            r, recon = evaluate_image(model, pack, image, return_recon=True, rate_index=rate)
            r["ms_ssim"] = ms_ssim(image, recon)
            rows.append(r)
            log(f"  {label or pack.manifest.get('name')} rate {rate} {name}: {r['bpp_real']:.4f} bpp, "
                f"{r['psnr']:.3f} dB, MS-SSIM {r['ms_ssim']:.4f}")
        lmbda = pack.manifest["rates"][rate].get("lambda", ckpt.get("lambda"))
        point = _mean_point(rows, "bpp_real")
        point.update({
            "param": f"rate={rate} lambda={lmbda}", "rate_index": rate,
            "lambda": lmbda, "step": ckpt.get("step"), "config": ckpt.get("config"),
            "codec_id": pack.codec_id, "pack": os.path.abspath(pack_dir), "checkpoint": os.path.abspath(ckpt_path),
            "checkpoint_sha256": sha256_file(ckpt_path),
            "bpp_est_float": float(np.mean([r["bpp_est_float"] for r in rows])),
            "encode_s": float(np.mean([r["encode_s"] for r in rows])),
            "decode_s": float(np.mean([r["decode_s"] for r in rows])),
        })
        points.append(point)
    return label or pack.manifest.get("name") or "ours", points


def _mean_point(rows, bpp_key="bpp"):
    bpp = [r[bpp_key] for r in rows]
    ps = [r["psnr"] for r in rows]
    ms = [r["ms_ssim"] for r in rows]
    return {"bpp": float(np.mean(bpp)), "psnr": float(np.mean(ps)), "ms_ssim": float(np.mean(ms)),
            "per_image": {"bpp": _r(bpp), "psnr": _r(ps), "ms_ssim": _r(ms)}}


def _r(values, digits=6):
    return [round(float(v), digits) for v in values]


# ---------------------------------------------------------------- measured baselines

def measure_baselines(codec_names, qualities, images, paths, jobs=2, log=print):
    """{codec: curve dict} for the available codecs; {codec: reason} for the skipped ones."""
    curves, skipped = {}, {}
    todo = []
    for name in codec_names:
        codec = baselines.CODECS[name]
        missing = codec.missing_tools()
        if missing:
            msg = (f"{', '.join(missing)} not found on PATH; install with "
                   f"'apt-get install -y libjpeg-turbo-progs webp libavif-bin'")
            log(f"[skip] {name}: {msg}")
            skipped[name] = msg
            continue
        todo.append(codec)
    if not todo:
        return curves, skipped
    images_by_name = dict(images)
    with tempfile.TemporaryDirectory(prefix="rd-eval-") as work:
        ppm = {}
        for name, image in images:                       # cjpeg reads PPM, the others the PNG
            ppm[name] = os.path.join(work, os.path.splitext(name)[0] + "-src.ppm")
            Image.fromarray(image).save(ppm[name])

        def job(codec, q, name):
            size, out = baselines.run_point(codec, paths[name], ppm[name], q, work)
            ref = images_by_name[name]
            if out.shape != ref.shape:
                raise RuntimeError(f"{codec.name} q={q} {name}: decoded shape {out.shape} != {ref.shape}")
            return {"bytes": size, "bpp": size * 8 / (ref.shape[0] * ref.shape[1]),
                    "psnr": psnr(ref, out), "ms_ssim": ms_ssim(ref, out)}

        with cf.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            for codec in todo:
                t0 = time.time()
                qs = qualities.get(codec.name) or baselines.DEFAULT_QUALITIES[codec.name]
                futures = {(q, name): pool.submit(job, codec, q, name) for q in qs for name, _ in images}
                points, errors = [], []
                for q in qs:
                    try:
                        rows = [futures[(q, name)].result() for name, _ in images]
                    except Exception as e:                       # a tool failing at one setting
                        errors.append(f"{codec.param_name}={q}: {e}")
                        log(f"[error] {codec.name} {codec.param_name}={q}: {e}")
                        continue
                    p = _mean_point(rows)
                    p["param"] = f"{codec.param_name}={q}"
                    p["bytes_total"] = int(sum(r["bytes"] for r in rows))
                    points.append(p)
                    log(f"  {codec.name} {codec.param_name}={q}: {p['bpp']:.4f} bpp, {p['psnr']:.3f} dB, "
                        f"MS-SSIM {p['ms_ssim']:.4f}")
                points.sort(key=lambda p: p["bpp"])
                curves[codec.name] = {"kind": "measured", "label": _LABELS[codec.name],
                                      "tool": codec.version(), "settings": codec.notes, "points": points,
                                      "errors": errors, "seconds": round(time.time() - t0, 1)}
    return curves, skipped


def load_measured(path, image_names, codec_names):
    """The measured curves of an earlier report, when it was made on the same images."""
    with open(path, encoding="utf-8") as f:
        old = json.load(f)
    if old["meta"]["images"] != image_names:
        raise SystemExit(f"{path} was measured on other images; measure again (drop --baselines-from)")
    return {n: c for n, c in old["curves"].items() if c.get("kind") == "measured" and n in codec_names}


_LABELS = {"jpeg": "JPEG (libjpeg-turbo)", "webp": "WebP (cwebp -m 6)", "avif": "AVIF (aom s6 4:4:4)"}


def reference_curves():
    out = {}
    for name, c in REFERENCE_CURVES.items():
        pts = [{"param": f"quality={q}", "bpp": b, "psnr": p, "ms_ssim": m}
               for q, b, p, m in zip(c["quality"], c["bpp"], c["psnr"], c["ms_ssim"])]
        out[name] = {"kind": "published", "label": c["label"], "source": c["source"], "points": pts}
    return out


# ---------------------------------------------------------------- analysis

def _rp(curve):
    return [p["bpp"] for p in curve["points"]], [p["psnr"] for p in curve["points"]]


def bd_table(curves, tests, anchors, rate_range):
    """BD-rate records for every test curve with >= 4 points against every anchor."""
    recs = []
    for t in tests:
        if len(curves[t]["points"]) < bdrate.MIN_POINTS:
            continue
        for a in anchors:
            if a == t or a not in curves or len(curves[a]["points"]) < bdrate.MIN_POINTS:
                continue
            for rng in (None, rate_range):
                for method in bdrate.METHODS:
                    rec = {"test": t, "anchor": a, "range_bpp": list(rng) if rng else "overlap",
                           "method": method}
                    try:
                        d = bdrate.bd_rate(*_rp(curves[a]), *_rp(curves[t]), method=method, rate_range=rng,
                                           details=True)
                        rec.update({"bd_rate": d["bd_rate"], "psnr_interval": d["psnr_interval"]})
                    except ValueError as e:
                        rec.update({"bd_rate": None, "error": str(e)})
                    recs.append(rec)
    return recs


def one_point_gaps(curves, ours, others):
    """For each point of our curves (used when a curve has too few points for BD): PSNR of every other
    curve at our bpp, and its rate at our PSNR."""
    out = []
    for o in ours:
        for i, p in enumerate(curves[o]["points"]):
            for c in others:
                if c not in curves or len(curves[c]["points"]) < 2:
                    continue
                rates, ps = _rp(curves[c])
                their_psnr = bdrate.psnr_at_rate(rates, ps, p["bpp"])
                their_rate = bdrate.rate_at_psnr(rates, ps, p["psnr"])
                out.append({
                    "ours": o, "point": i, "vs": c, "our_bpp": p["bpp"], "our_psnr": p["psnr"],
                    "their_psnr_at_our_bpp": their_psnr,
                    "psnr_gap_db": None if their_psnr is None else p["psnr"] - their_psnr,
                    "their_bpp_at_our_psnr": their_rate,
                    "rate_diff_at_our_psnr": None if their_rate is None else p["bpp"] / their_rate - 1,
                })
    return out


# ---------------------------------------------------------------- output

def plot(curves, path, n_images=24):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(13, 5.2))
    styles = {"measured": "-o", "published": "--s", "ours": "*"}
    for name, c in curves.items():
        rates, ps = _rp(c)
        ms = [p["ms_ssim"] for p in c["points"]]
        style = styles[c["kind"]]
        kw = {"markersize": 14} if c["kind"] == "ours" else {"markersize": 4}
        if c["kind"] == "ours" and len(rates) > 1:
            style = "-*"
        axes[0].plot(rates, ps, style, label=c["label"], **kw)
        axes[1].plot(rates, [-10 * np.log10(max(1 - m, 1e-10)) for m in ms], style, label=c["label"], **kw)
    for ax, ylabel in zip(axes, ("PSNR RGB (dB)", "MS-SSIM RGB (dB: -10 log10(1 - MS-SSIM))")):
        ax.set_xlim(0, 1.1)
        ax.set_xlabel("bits per pixel (real file / bitstream bytes)")
        ax.set_ylabel(ylabel)
        ax.grid(True, alpha=0.3)
        ax.axvspan(0.1, 0.5, color="0.9", zorder=0)
    axes[0].set_ylim(20, 40)
    axes[1].set_ylim(6, 22)
    axes[0].legend(fontsize=8, loc="lower right")
    axes[0].set_title(f"Kodak ({n_images} images), mean over images")
    axes[1].set_title("shaded: 0.1-0.5 bpp")
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _pct(v):
    return "n/a" if v is None else f"{100 * v:+.1f}%"


def summary_text(result, rate_range):
    curves = result["curves"]
    lines = []
    ours = [n for n, c in curves.items() if c["kind"] == "ours"]
    lines.append("Curves (mean over images):")
    for n, c in curves.items():
        pts = c["points"]
        if not pts:
            continue
        lines.append(f"  {n:34s} {len(pts):2d} points, {pts[0]['bpp']:.3f}-{pts[-1]['bpp']:.3f} bpp, "
                     f"{pts[0]['psnr']:.2f}-{pts[-1]['psnr']:.2f} dB")
    for o in ours:
        for i, p in enumerate(curves[o]["points"]):
            lines.append("")
            lines.append(f"Ours: {o} point {i} ({p['param']}, step {p.get('step')}, codec {p['codec_id'][:12]}): "
                         f"{p['bpp']:.4f} bpp, {p['psnr']:.3f} dB, MS-SSIM {p['ms_ssim']:.4f}")
            n_pts = len(curves[o]["points"])
            if n_pts < bdrate.MIN_POINTS:
                lines.append(f"  BD-rate vs any curve: n/a, {n_pts} point(s) (needs {bdrate.MIN_POINTS})")
            lines.append(f"  {'vs':34s} {'PSNR at our bpp':>15s} {'our gap':>9s} {'bpp at our PSNR':>16s} "
                         f"{'our rate diff':>13s}")
            for g in result["one_point"]:
                if g["ours"] != o or g["point"] != i:
                    continue
                tp = "out of range" if g["their_psnr_at_our_bpp"] is None else f"{g['their_psnr_at_our_bpp']:.2f} dB"
                gap = "" if g["psnr_gap_db"] is None else f"{g['psnr_gap_db']:+.2f} dB"
                tr = "out of range" if g["their_bpp_at_our_psnr"] is None else f"{g['their_bpp_at_our_psnr']:.4f}"
                lines.append(f"  {g['vs']:34s} {tp:>15s} {gap:>9s} {tr:>16s} {_pct(g['rate_diff_at_our_psnr']):>13s}")
    lines.append("")
    lo, hi = rate_range
    lines.append(f"BD-rate (test vs anchor; + = test needs more bits), PCHIP [cubic], "
                 f"full overlap | {lo}-{hi} bpp of the anchor:")
    recs = {(r["test"], r["anchor"], str(r["range_bpp"]), r["method"]): r for r in result["bd_rate"]}
    pairs = []
    for r in result["bd_rate"]:
        if (r["test"], r["anchor"]) not in pairs:
            pairs.append((r["test"], r["anchor"]))
    for t, a in pairs:
        cells = []
        for rng in ("overlap", str([lo, hi])):
            p = recs.get((t, a, rng, "pchip"), {}).get("bd_rate")
            c = recs.get((t, a, rng, "cubic"), {}).get("bd_rate")
            cells.append(f"{_pct(p):>8s} [{_pct(c):>8s}]")
        lines.append(f"  {t:10s} vs {a:34s} {cells[0]} | {cells[1]}")
    return "\n".join(lines)


def _git_describe():
    try:
        rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain"], cwd=REPO, capture_output=True, text=True).stdout
        return rev + ("+dirty" if dirty.strip() else "")
    except OSError:
        return None


def _qualities(text):
    return [int(v) for v in text.split(",") if v.strip()] if text else None


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pack", action="append", default=[], help="codec pack folder (repeatable)")
    ap.add_argument("--checkpoint", action="append", default=[], help="its checkpoint (one per --pack)")
    ap.add_argument("--label", action="append", default=[], help="curve name per pack (default: pack name)")
    ap.add_argument("--s-adaptor", default=None,
                    help="lic.adapt.joint checkpoint: encoder of the S-adapted packs (their manifests name base_codec_id)")
    ap.add_argument("--human-adaptor", default=None,
                    help="lic.adapt --task human checkpoint: every pack decodes with it in place of g_s")
    ap.add_argument("--no-check", action="store_true", help="skip the pack-vs-checkpoint check")
    ap.add_argument("--unchecked", action="append", default=[],
                    help="skip the pack-vs-checkpoint check for this pack folder only (repeatable)")
    ap.add_argument("--data", default=DEFAULT_KODAK)
    ap.add_argument("--limit", type=int, default=0, help="first N images only (0 = all)")
    ap.add_argument("--stride", type=int, default=1, help="every K-th image of the sorted folder (video frames)")
    ap.add_argument("--codecs", default=",".join(MEASURED), help="measured baselines, comma-separated, or 'none'")
    for c in MEASURED:
        ap.add_argument(f"--{c}-q", default=None,
                        help=f"comma-separated settings (default {','.join(map(str, baselines.DEFAULT_QUALITIES[c]))})")
    ap.add_argument("--baselines-from", default=None,
                    help="reuse the measured JPEG/WebP/AVIF curves of an earlier report (same images) instead "
                         "of measuring them again")
    ap.add_argument("--range", default="0.1,0.5", help="bpp range of the restricted BD-rates")
    ap.add_argument("--jobs", type=int, default=2, help="parallel tool runs")
    ap.add_argument("--threads", type=int, default=1, help="torch threads for our codec")
    ap.add_argument("--out-json", default=DEFAULT_JSON)
    ap.add_argument("--out-png", default=DEFAULT_PNG)
    ap.add_argument("--write-nominal", action="store_true",
                    help="write each rate's Kodak mean into its variable-rate pack's manifest (full set only)")
    args = ap.parse_args(argv)
    if len(args.pack) != len(args.checkpoint):
        ap.error("give one --checkpoint per --pack")
    if args.label and len(args.label) != len(args.pack):
        ap.error("give one --label per --pack, or none")
    rate_range = tuple(float(v) for v in args.range.split(","))
    codec_names = [] if args.codecs.strip() in ("", "none") else [c.strip() for c in args.codecs.split(",")]
    for c in codec_names:
        if c not in baselines.CODECS:
            ap.error(f"unknown codec {c!r} (known: {', '.join(MEASURED)})")
    torch.set_num_threads(args.threads)
    t_start = time.time()

    paths = list_images(args.data)[::max(1, args.stride)]
    if args.limit:
        paths = paths[:args.limit]
    images = [(os.path.basename(p), np.asarray(load_rgb(p), dtype=np.uint8)) for p in paths]
    path_of = {os.path.basename(p): p for p in paths}
    print(f"{len(images)} images from {args.data}", flush=True)

    curves = {}
    ours = []
    unchecked = {os.path.abspath(p) for p in args.unchecked}
    for pdir, ck in zip(args.pack, args.checkpoint):
        if not args.no_check and os.path.abspath(pdir) not in unchecked:
            check_pack(pdir, ck)
    for i, (pdir, ck) in enumerate(zip(args.pack, args.checkpoint)):
        label, points = eval_pack(pdir, ck, images, args.label[i] if args.label else None,
                                  log=lambda s: print(s, flush=True), s_adaptor=args.s_adaptor,
                                  human_adaptor=args.human_adaptor)
        if label not in curves:
            curves[label] = {"kind": "ours", "label": f"{label} (ours, real bitstreams)", "points": []}
            ours.append(label)
        curves[label]["points"].extend(points)
    for o in ours:
        curves[o]["points"].sort(key=lambda p: p["bpp"])
    if args.write_nominal:
        if args.limit:
            ap.error("--write-nominal needs the whole set (no --limit)")
        from .export import write_nominal
        for pdir in args.pack:
            pack = load_codec_pack(pdir)
            if pack.gains is not None:
                write_nominal(pdir, [p for c in ours for p in curves[c]["points"] if p["codec_id"] == pack.codec_id])

    qualities = {c: _qualities(getattr(args, f"{c}_q")) for c in MEASURED}
    reused = {}
    if args.baselines_from:
        reused = load_measured(args.baselines_from, [n for n, _ in images], codec_names)
        print(f"reusing {', '.join(reused) or 'no'} curves of {args.baselines_from}", flush=True)
    measured, skipped = measure_baselines([c for c in codec_names if c not in reused], qualities, images, path_of,
                                          jobs=args.jobs, log=lambda s: print(s, flush=True))
    measured = {c: reused.get(c) or measured.get(c) for c in codec_names if c in reused or c in measured}
    curves.update(measured)
    # CompressAI's published points are Kodak means: compare with them on the Kodak set only.
    kodak = sorted(n for n, _ in images) == [f"kodim{i:02d}.png" for i in range(1, 25)]
    refs = reference_curves() if kodak else {}
    curves.update(refs)

    anchors = list(measured) + list(refs)
    result = {
        "meta": {
            "created_utc": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "command": "python -m lic.rd_eval " + " ".join(argv if argv is not None else sys.argv[1:]),
            "git": _git_describe(), "python": platform.python_version(), "numpy": np.__version__,
            "torch": torch.__version__, "data": os.path.abspath(args.data),
            "images": [n for n, _ in images],
            "metrics": "bpp = real bytes * 8 / pixels; PSNR on 8-bit RGB (MSE over 3 channels); MS-SSIM per "
                       "lic.msssim (5 scales, Gaussian 11 / 1.5, per-channel mean); points = means over images",
            "bd_rate": f"lic.bdrate; default method {bdrate.DEFAULT_METHOD}; restricted range {list(rate_range)} bpp "
                       f"of the anchor; values are fractions (-0.2 = 20 % fewer bits than the anchor)",
            "skipped": skipped,
            "baselines_from": os.path.abspath(args.baselines_from) if args.baselines_from else None,
        },
        "curves": curves,
        "bd_rate": bd_table(curves, ours + list(measured), anchors, rate_range),
        "one_point": one_point_gaps(curves, [o for o in ours if len(curves[o]["points"]) < bdrate.MIN_POINTS],
                                    anchors),
    }
    result["meta"]["seconds"] = round(time.time() - t_start, 1)
    os.makedirs(os.path.dirname(os.path.abspath(args.out_json)), exist_ok=True)
    with open(args.out_json, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    if args.out_png:
        plot(curves, args.out_png, len(images))
    print()
    print(summary_text(result, rate_range))
    print(f"\nwrote {args.out_json}" + (f" and {args.out_png}" if args.out_png else ""))
    return result


if __name__ == "__main__":
    main()
