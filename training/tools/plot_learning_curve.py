"""Plot the Kodak learning curve of lic.train_vr logs: PSNR at fixed rates against pixels seen.

    cd training && /usr/bin/python3 tools/plot_learning_curve.py \\
        --log checkpoints/hyperprior-vr-log.jsonl --label "with linear paths" \\
        --log checkpoints/hyperprior-vr-plain-log.jsonl --label "without" --out ../docs/rd/hyperprior-vr-curve.png

Each "kodak" record holds, per rate index, the mean estimated bpp and PSNR; the PSNR at --at bpp is
interpolated linearly in log(bpp) between the rate indexes (no point where a curve does not reach it).
Also prints the table as JSON lines.
"""
import argparse
import json
import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def psnr_at(points, bpp):
    pts = sorted((p["bpp"], p["psnr"]) for p in points)
    for (b0, p0), (b1, p1) in zip(pts, pts[1:]):
        if b0 <= bpp <= b1 and b1 > b0:
            t = (math.log(bpp) - math.log(b0)) / (math.log(b1) - math.log(b0))
            return p0 + t * (p1 - p0)
    return None


def curve(path, targets):
    rows = []
    for line in open(path, encoding="utf-8"):
        rec = json.loads(line)
        if "kodak" in rec:
            rows.append({"step": rec["step"], "gpix": rec["pixels_seen"] / 1e9,
                         **{f"psnr@{t}": psnr_at(rec["kodak"], t) for t in targets}})
    return rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--log", action="append", required=True)
    ap.add_argument("--label", action="append", required=True)
    ap.add_argument("--at", default="0.25,0.5", help="bpp values")
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    targets = [float(v) for v in args.at.split(",")]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for path, label in zip(args.log, args.label):
        rows = curve(path, targets)
        for row in rows:
            print(json.dumps({"run": label, **{k: (round(v, 3) if isinstance(v, float) else v)
                                               for k, v in row.items()}}))
        for t, style in zip(targets, ("-o", "--s", ":^")):
            pts = [(r["gpix"], r[f"psnr@{t}"]) for r in rows if r[f"psnr@{t}"] is not None]
            if pts:
                ax.plot(*zip(*pts), style, label=f"{label}, {t} bpp", markersize=4)
    ax.set_xlabel("pixels seen (10^9; 256x256 crops)")
    ax.set_ylabel("Kodak PSNR (dB), model estimate")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title("Learning curve of the variable-rate codec")
    fig.tight_layout()
    fig.savefig(args.out, dpi=110)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
