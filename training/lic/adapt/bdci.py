"""How sure is a task BD-rate? Image-bootstrap intervals from lic.adapt.evaluate's per-image results.

A task curve's points are means over a few dozen images, and a BD-rate over curves that saturate moves a
lot with a point of mAP. This resamples the evaluated images with replacement (the same draw for every
curve, so shared image difficulty cancels), recomputes each point's metric and bpp from the cached
per-image results, and reports the BD-rate's bootstrap distribution:

    python3 -m lic.adapt.bdci --task detection --anchor "human=runs/det-eval:human-rate" \
        --test "s+t (S, run F)=runs/det-eval-sf:s+t-step6000-rate" --boot 500 --bar -0.20

`--versus NAME` adds, for every other test, its BD-rate minus NAME's on the same resamples: whether two
runs differ beyond the noise of the images they share.

A curve is NAME=WORK:PREFIX: the points are WORK/results/PREFIX*.json (one file per rate or quality, as
lic.adapt.evaluate wrote them). Only images present in every file count. Detection is scored with
lic.adapt.coco_eval (matching per image once, then pooled per resample), segmentation by summing the
per-image confusion matrices; BD-rate over each curve's monotone envelope, as lic.adapt.report does.
"""
import argparse
import glob
import json
import os

import numpy as np

from ..bdrate import bd_rate
from . import coco_eval, detection
from .report import envelope
from .segnet import IouMeter, load_camvid

DATA = {"detection": "../../shared/data/coco128", "segmentation": "../../shared/data/camvid"}


def parse_curve(spec):
    name, sep, rest = spec.partition("=")
    work, sep2, prefix = rest.rpartition(":")
    if not (sep and sep2 and name and work and prefix):
        raise argparse.ArgumentTypeError(f"expected NAME=WORK:PREFIX, got {spec!r}")
    paths = sorted(glob.glob(os.path.join(work, "results", glob.escape(prefix) + "*.json")))
    if not paths:
        raise argparse.ArgumentTypeError(f"no results {os.path.join(work, 'results', prefix)}*.json")
    return name, paths


class DetectionScorer:
    """data: {image name: (pixels, ground-truth boxes)}."""

    def __init__(self, data):
        self.data = data

    @classmethod
    def from_root(cls, data_root):
        return cls({n: (im.shape[0] * im.shape[1], gt) for n, im, gt in detection.load_split(data_root, "val2017")})

    def prepare(self, results, names):
        """Per image: (bits, what pooling needs)."""
        return [(8 * results[n]["bytes"],
                 coco_eval.image_matches(self.data[n][1], [tuple(d) for d in results[n]["dets"]])) for n in names]

    @staticmethod
    def metric(parts):
        return coco_eval.pooled_map(parts, list(range(80)))["map"]


class SegmentationScorer:
    """data: {frame name: (pixels, None)}."""

    def __init__(self, data):
        self.data = data

    @classmethod
    def from_root(cls, data_root):
        return cls({n: (im.shape[0] * im.shape[1], None) for n, im, _ in load_camvid(data_root, "val")})

    @staticmethod
    def prepare(results, names):
        return [(8 * results[n]["bytes"], np.asarray(results[n]["conf"], dtype=np.int64)) for n in names]

    @staticmethod
    def metric(parts):
        meter = IouMeter()
        meter.conf = sum(parts)
        return meter.miou()


SCORERS = {"detection": DetectionScorer, "segmentation": SegmentationScorer}


def curve_points(prepared, pixels, draw, metric):
    """[{bpp, metric}] of one curve for the images `draw` (indexes, repeats allowed)."""
    total = float(pixels[draw].sum())
    return [{"bpp": sum(bits[i] for i in draw) / total or None, "q": metric([parts[i] for i in draw])}
            for bits, parts in prepared]


def _read(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def bd_of(test, anchor):
    """BD-rate over the monotone envelopes (lic.adapt.report's rule); None where it is undefined."""
    tr, tq = envelope(test, "q")
    ar, aq = envelope(anchor, "q")
    try:
        return bd_rate(ar, aq, tr, tq)
    except ValueError:
        return None


def bootstrap(scorer, curves, anchor, boot=500, seed=0, limit=0):
    """curves {name: [per-image result files, one per point]} -> {"images": n, ..., "tests": {test name:
    {"bd": the full set's BD-rate vs anchor, "boot": [BD-rate per resample (None = undefined)]}}}."""
    files = {name: [_read(p) for p in paths] for name, paths in curves.items()}
    names = sorted(set(scorer.data).intersection(*(set(r) for rs in files.values() for r in rs)))
    if limit:
        names = names[:limit]
    if len(names) < 2:
        raise SystemExit("fewer than 2 images have results in every file")
    pixels = np.array([scorer.data[n][0] for n in names], dtype=np.float64)
    prepared = {}
    for name, rs in files.items():
        per_point = [scorer.prepare(r, names) for r in rs]
        prepared[name] = [([b for b, _ in pp], [p for _, p in pp]) for pp in per_point]
    rng = np.random.default_rng(seed)
    draws = [np.arange(len(names))] + [rng.integers(0, len(names), len(names)) for _ in range(boot)]
    out = {name: {"bd": None, "boot": []} for name in curves if name != anchor}
    for k, draw in enumerate(draws):
        pts = {name: curve_points(p, pixels, draw, scorer.metric) for name, p in prepared.items()}
        for name in out:
            value = bd_of(pts[name], pts[anchor])
            if k == 0:
                out[name]["bd"] = value
            else:
                out[name]["boot"].append(value)
    return {"images": len(names), "anchor": anchor, "boot": boot, "seed": seed, "tests": out}


def _stats(vals):
    vals = np.asarray(vals, dtype=np.float64)
    if not len(vals):
        return {"defined": 0, "median": None, "ci95": None, "std": None}
    return {"defined": len(vals), "median": float(np.median(vals)),
            "ci95": [float(np.percentile(vals, 2.5)), float(np.percentile(vals, 97.5))], "std": float(vals.std())}


def summarise(result, bar=None, versus=None):
    """Each test's BD-rate with its bootstrap statistics; with `versus` (a test name) also every other
    test's difference to it on the same resamples (paired: what the images share cancels)."""
    tests = result["tests"]
    rows = {}
    for name, r in tests.items():
        vals = [v for v in r["boot"] if v is not None]
        row = {"bd": r["bd"], **_stats(vals)}
        if bar is not None and vals:
            row["p_at_or_below_bar"] = float(np.mean(np.asarray(vals) <= bar))
        if versus and name != versus:
            pairs = [a - b for a, b in zip(r["boot"], tests[versus]["boot"]) if a is not None and b is not None]
            full = None if r["bd"] is None or tests[versus]["bd"] is None else r["bd"] - tests[versus]["bd"]
            row["minus_" + versus] = {"bd": full, **_stats(pairs)}
        rows[name] = row
    return {k: v for k, v in result.items() if k != "tests"} | {"bar": bar, "versus": versus, "tests": rows}


def main(argv=None):
    p = argparse.ArgumentParser(prog="python3 -m lic.adapt.bdci", description=__doc__.split("\n")[0])
    p.add_argument("--task", required=True, choices=sorted(SCORERS))
    p.add_argument("--anchor", required=True, type=parse_curve, help="NAME=WORK:PREFIX")
    p.add_argument("--test", required=True, type=parse_curve, action="append", help="NAME=WORK:PREFIX; repeatable")
    p.add_argument("--data", default=None, help="dataset root (default: the task's under ../shared/data)")
    p.add_argument("--limit", type=int, default=0, help="the first N images (sorted by name) only")
    p.add_argument("--boot", type=int, default=500, help="resamples")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--bar", type=float, default=None, help="also report the share of resamples at or below it")
    p.add_argument("--versus", default=None, help="a --test NAME: also each other test's paired difference to it")
    p.add_argument("--out", default=None, help="write the summary JSON here")
    args = p.parse_args(argv)
    curves = dict([args.anchor] + args.test)
    if len(curves) != 1 + len(args.test):
        p.error("curve names must differ")
    scorer = SCORERS[args.task].from_root(args.data or DATA[args.task])
    if args.versus and args.versus not in dict(args.test):
        p.error(f"--versus {args.versus!r}: not a --test name")
    summary = summarise(bootstrap(scorer, curves, args.anchor[0], args.boot, args.seed, args.limit), args.bar,
                        args.versus)
    text = json.dumps(summary, indent=1)
    print(text)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
