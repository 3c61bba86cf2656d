"""Task RD report: BD-rates and a plot from lic.adapt.evaluate's summary JSON.

BD-rate here uses the task metric (mAP or mIoU, in points) in place of PSNR. Task curves saturate and
are noisy at the top, and BD-rate needs quality to rise strictly with rate: each curve keeps, in rate
order, only the points that beat every cheaper point (its monotone envelope). A pair with fewer than 4
such points or no shared quality interval gets no number (reported as null), never an extrapolation.

    python3 -m lic.adapt.report ../docs/tasks/detection.json --plot ../docs/tasks/detection-rd.png
"""
import argparse
import json

from ..bdrate import bd_rate

METRIC = {"detection": "map", "segmentation": "miou"}
LABELS = {"map": "mAP@[.5:.95]", "miou": "mIoU (11 classes)"}


def envelope(points, metric):
    """(rates, qualities in points) of the monotone envelope of a curve."""
    pts = sorted((p["bpp"], 100.0 * p[metric]) for p in points if p.get("bpp"))
    rates, quals = [], []
    for r, q in pts:
        if not quals or q > quals[-1]:
            rates.append(r)
            quals.append(q)
    return rates, quals


def bd(summary, test, anchor):
    metric = METRIC[summary["task"]]
    curves = summary["curves"]
    if test not in curves or anchor not in curves:
        return None
    tr, tq = envelope(curves[test], metric)
    ar, aq = envelope(curves[anchor], metric)
    try:
        return bd_rate(ar, aq, tr, tq)
    except ValueError:          # fewer than 4 monotone points
        return None


def bd_table(summary, tests, anchors):
    return {t: {a: bd(summary, t, a) for a in anchors if a != t} for t in tests if t in summary["curves"]}


def plot(summary, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    metric = METRIC[summary["task"]]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    # More curves than the default cycle's 10 colours: tab20's dark shades first, then its light ones.
    colours = plt.get_cmap("tab20").colors
    for i, (name, points) in enumerate(summary["curves"].items()):
        pts = sorted((p["bpp"], 100 * p[metric]) for p in points if p.get("bpp"))
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", ms=3, label=name,
                color=colours[(2 * i) % 20 + (2 * i) // 20])
    ax.axhline(100 * summary["original"][metric], color="k", ls="--", lw=1, label="uncompressed")
    ax.set_xscale("log")
    ax.set_xlabel("bits per pixel")
    ax.set_ylabel(LABELS[metric])
    ax.set_title(f"{summary['task']}: {summary['task_model']} on {summary['dataset']}", fontsize=9)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def markdown(summary):
    """The summary as Markdown tables: one row per point, then the BD-rates."""
    metric = METRIC[summary["task"]]
    name = LABELS[metric]
    lines = [f"Uncompressed: {name} **{100 * summary['original'][metric]:.1f}**.", "",
             f"| curve | setting | bpp | {name} |", "|---|---|---|---|"]
    for curve, points in summary["curves"].items():
        for p in sorted(points, key=lambda q: q["bpp"] or 0):
            setting = f"rate {p['rate']}" if "rate" in p else f"q {p['quality']}"
            lines.append(f"| {curve} | {setting} | {p['bpp']:.3f} | {100 * p[metric]:.1f} |")
    lines += ["", "| BD-rate of | vs " + " | vs ".join(["human", "jpeg", "webp", "avif"]) + " |", "|---|---|---|---|---|"]
    for test, row in summary.get("bd_rate", {}).items():
        cells = [("—" if row.get(a) is None else f"{100 * row[a]:+.1f} %") if a != test else "—"
                 for a in ("human", "jpeg", "webp", "avif")]
        lines.append(f"| {test} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def add_curves(summary, path, suffix):
    """Copy the codec curves (not the conventional codecs', which the summary has) of another summary of
    the same task and data into `summary`, as NAME+suffix, and record which codec id each belongs to."""
    with open(path, encoding="utf-8") as f:
        other = json.load(f)
    if (other["task"], other["dataset"]) != (summary["task"], summary["dataset"]):
        raise SystemExit(f"{path} measured {other['task']} on {other['dataset']}, not {summary['task']} on "
                         f"{summary['dataset']}")
    ids = summary.setdefault("curve_codec_ids", {})
    for name, points in other["curves"].items():
        if name in ("jpeg", "webp", "avif"):
            continue
        summary["curves"][name + suffix] = points
        ids[name + suffix] = other["codec_id"]


def main(argv=None):
    p = argparse.ArgumentParser(prog="python3 -m lic.adapt.report", description=__doc__.split("\n")[0])
    p.add_argument("summary")
    p.add_argument("--plot", default=None)
    p.add_argument("--markdown", default=None, help="write the tables as Markdown here")
    p.add_argument("--add", action="append", default=[], metavar="SUMMARY.json:SUFFIX",
                   help="also the codec curves of another evaluation of the same task and images (e.g. an "
                        "S-adapted codec's), each named with SUFFIX appended; repeatable")
    args = p.parse_args(argv)
    with open(args.summary, encoding="utf-8") as f:
        summary = json.load(f)
    for spec in args.add:
        add_curves(summary, *spec.rsplit(":", 1))
    ours = [c for c in summary["curves"] if c not in ("jpeg", "webp", "avif")]
    summary["bd_rate"] = bd_table(summary, ours, ["human", "jpeg", "webp", "avif"])
    with open(args.summary, "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=1)
        f.write("\n")
    print(json.dumps(summary["bd_rate"], indent=1))
    if args.plot:
        plot(summary, args.plot)
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as f:
            f.write(markdown(summary))


if __name__ == "__main__":
    main()
