"""Task quality vs bits: the task network fed (a) the original, (b) the base codec's human decode, (c) the
T-adaptor decode, (d) JPEG/WebP/AVIF at several qualities, at every rate of the codec.

- detection: YOLOX-nano on COCO128 val2017 (128 images, ground-truth boxes), mAP@[.5:.95] and mAP@.5;
- segmentation: the project's CamVid network on camvid/val (101 frames), mIoU over the 11 classes.

Every point uses real files: our bitstreams come from the Python reference encoder (bit-exact with Java) and
are cached under --work; the conventional codecs run their command-line tools. Per-image results of each
(method, setting) are cached as JSON, so a run resumes where it stopped and a new adaptor reuses the rest.

    python3 -m lic.adapt.evaluate --task detection --work runs/det-eval \
        --adaptor t-adaptor=runs/det-vr/checkpoint.pt --summary ../docs/tasks/detection.json

With `--s-adaptor JOINT_CHECKPOINT --codec-pack S_PACK` the bitstreams come from the S-adapted encoder (its
own codec id, so its own --work folder); the human curve is then the base synthesis on those bitstreams.
"""
import argparse
import json
import os
import tempfile
import time

import numpy as np
import torch
from PIL import Image

from .. import baselines
from ..codec import Encoder, adaptor_input, decode_latents, synthesize
from ..pack import load_codec_pack
from . import coco_eval, detection, segnet
from .export import load_adaptor
from .export_shared import load_encoding_model
from .onnx_import import OnnxModule

QUALITIES = {"jpeg": [3, 5, 10, 20, 35, 50, 75], "webp": [0, 5, 15, 30, 50, 75], "avif": [62, 58, 52, 46, 40, 34]}


class DetectionTask:
    name = "detection"
    settings = {"score_threshold": 0.001, "nms_iou": 0.65, "max_dets_per_class": 100, "input": "letterbox 416"}
    data_default = "../../shared/data/coco128"
    model_default = "../../shared/data/models/yolox_nano.onnx"

    def __init__(self, data_root, model_path, limit, every=1):
        self.net = OnnxModule(model_path).eval()
        self.data = detection.load_split(data_root, "val2017")[::every]
        self.data = self.data[:limit] if limit else self.data
        self.dataset = f"coco128 val2017 ({len(self.data)} images)"

    def on_image(self, image):
        return {"dets": detection.detect_rgb(self.net, image)}

    def graph(self, synthesis):
        return detection.DetectionGraph(synthesis, self.net).eval()

    def on_latent(self, graph, y, width, height):
        return {"dets": detection.detect_latent(graph, y, width, height)}

    def score(self, results):
        gt = {n: g for n, _, g in self.data}
        dets = {n: [tuple(d) for d in results[n]["dets"]] for n in gt}
        r = coco_eval.evaluate(gt, dets, num_classes=80)
        return {"map": r["map"], "map50": r["map50"]}


class SegmentationTask:
    name = "segmentation"
    settings = {"input": "the image edge-padded to multiples of 32", "upsample": "bilinear x8", "ignore": 11}
    data_default = "../../shared/data/camvid"
    model_default = "task-models/camvid-segnet.onnx"

    def __init__(self, data_root, model_path, limit, every=1):
        self.net = OnnxModule(model_path).eval()
        data = segnet.load_camvid(data_root, "val")[::every]
        self.data = data[:limit] if limit else data
        self.dataset = f"camvid val ({len(self.data)} frames{f', 1 in {every}' if every > 1 else ''})"
        self.labels = {n: lb for n, _, lb in self.data}

    def _confusion(self, name, pred):
        meter = segnet.IouMeter()
        meter.add(pred, self.labels[name])
        return meter.conf.tolist()

    def on_image(self, image):
        return {"pred": segnet.predict(self.net, image)}

    def graph(self, synthesis):
        return segnet.SegmentationGraph(synthesis, self.net).eval()

    @torch.no_grad()
    def on_latent(self, graph, y, width, height):
        return {"pred": segnet.upsample_logits(graph(y), height, width)[0].argmax(0).numpy()}

    def finish(self, name, result):
        """Per-image results are kept small: the confusion matrix, not the map."""
        pred = result.pop("pred")
        return {**result, "conf": self._confusion(name, pred)}

    def score(self, results):
        meter = segnet.IouMeter()
        for n, _, _ in self.data:
            meter.conf += np.asarray(results[n]["conf"], dtype=np.int64)
        return {"miou": meter.miou(), "iou": [round(float(v), 4) for v in meter.ious()]}


TASKS = {"detection": DetectionTask, "segmentation": SegmentationTask}


def _load_json(path):
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    return {}


def _claim_work_folder(work, codec_id):
    """A work folder caches one codec's bitstreams and results: refuse another codec's (e.g. an S-adapted one)."""
    path = os.path.join(work, "codec_id")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            held = f.read().strip()
        if held != codec_id:
            raise SystemExit(f"{work} holds results of codec {held[:12]}..., not {codec_id[:12]}...: use another --work")
    else:
        with open(path, "w", encoding="utf-8") as f:
            f.write(codec_id + "\n")


def _save_json(obj, path):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(obj, f)
    os.replace(tmp, path)


class Runner:
    def __init__(self, args):
        self.args = args
        task_cls = TASKS[args.task]
        self.task = task_cls(args.data or task_cls.data_default, args.task_model or task_cls.model_default,
                             args.limit, args.every)
        self.model = load_encoding_model(args.codec_checkpoint, args.s_adaptor)
        self.pack = load_codec_pack(args.codec_pack)
        self.encoder = Encoder(self.model, self.pack)
        os.makedirs(os.path.join(args.work, "results"), exist_ok=True)
        _claim_work_folder(args.work, self.pack.codec_id)

    def _cached(self, key, fn):
        """Per-image results of one (method, setting), computed for the images not cached yet."""
        path = os.path.join(self.args.work, "results", key + ".json")
        done = _load_json(path)
        t0, dirty = time.time(), False
        for name, image, _ in self.task.data:
            if name in done:
                continue
            result = fn(name, image)
            finish = getattr(self.task, "finish", None)
            done[name] = finish(name, result) if finish else result
            dirty = True
            if time.time() - t0 > 60:
                _save_json(done, path)
                t0 = time.time()
        if dirty:
            _save_json(done, path)
        print(f"  {key}: {len(done)} images", flush=True)
        return {n: done[n] for n, _, _ in self.task.data}

    def bitstream(self, name, image, rate):
        path = os.path.join(self.args.work, "bitstreams", f"rate{rate}", os.path.splitext(name)[0] + ".lic")
        if not os.path.exists(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            data = self.encoder.encode(image, rate_index=rate)
            with open(path + ".tmp", "wb") as f:
                f.write(data)
            os.replace(path + ".tmp", path)
        with open(path, "rb") as f:
            return f.read()

    def _decoded(self, name, image, rate):
        data = self.bitstream(name, image, rate)
        bs, lat, pack = decode_latents(self.pack, data)
        return data, bs, adaptor_input(pack, bs, lat)

    def original(self):
        return self._cached("original", lambda n, im: {"bytes": 0, **self.task.on_image(im)})

    def human(self, rate):
        def one(name, image):
            data, bs, y = self._decoded(name, image, rate)
            rec = synthesize(self.model, y, bs.width, bs.height)
            return {"bytes": len(data), **self.task.on_image(rec)}
        return self._cached(f"human-rate{rate}", one)

    def adaptor(self, label, checkpoint, rate):
        synth, ck = load_adaptor(self.model, checkpoint)
        graph = self.task.graph(synth)

        def one(name, image):
            data, bs, y = self._decoded(name, image, rate)
            y = torch.from_numpy(np.ascontiguousarray(y))[None]
            return {"bytes": len(data), **self.task.on_latent(graph, y, bs.width, bs.height)}
        return self._cached(f"{label}-step{ck['step']}-rate{rate}", one)

    def conventional(self, codec_name, q):
        codec = baselines.CODECS[codec_name]

        def one(name, image):
            with tempfile.TemporaryDirectory(prefix="task-eval-") as work:
                png, ppm = os.path.join(work, "src.png"), os.path.join(work, "src.ppm")
                Image.fromarray(image).save(png)
                Image.fromarray(image).save(ppm)
                size, out = baselines.run_point(codec, png, ppm, q, work)
            return {"bytes": size, **self.task.on_image(out)}
        return self._cached(f"{codec_name}-q{q}", one)

    def score(self, results):
        pixels = sum(im.shape[0] * im.shape[1] for _, im, _ in self.task.data)
        bits = 8 * sum(results[n]["bytes"] for n, _, _ in self.task.data)
        return {**self.task.score(results), "bpp": bits / pixels if bits else None}


def build_parser():
    p = argparse.ArgumentParser(prog="python3 -m lic.adapt.evaluate", description=__doc__.split("\n")[0])
    p.add_argument("--task", required=True, choices=sorted(TASKS))
    p.add_argument("--work", required=True, help="cache folder (bitstreams, per-image results)")
    p.add_argument("--data", default=None, help="dataset root (default: the task's under ../shared/data)")
    p.add_argument("--task-model", default=None)
    p.add_argument("--codec-checkpoint", default="checkpoints/hyperprior-vr.pt")
    p.add_argument("--codec-pack", default="../codec-core/src/main/resources/lic/packs/codec/hyperprior-vr")
    p.add_argument("--s-adaptor", default=None,
                   help="encode with this lic.adapt.joint checkpoint's S-adaptor (--codec-pack: its S-adapted pack)")
    p.add_argument("--rates", default="", help="comma-separated rate indexes (default: all)")
    p.add_argument("--adaptor", action="append", default=[], help="LABEL=CHECKPOINT (repeatable)")
    p.add_argument("--baselines", default="jpeg,webp,avif")
    p.add_argument("--skip-human", action="store_true")
    p.add_argument("--limit", type=int, default=0, help="at most this many images (after --every)")
    p.add_argument("--every", type=int, default=1, help="every k-th image (CamVid's frames are a video)")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--summary", default=None, help="write the summary JSON here")
    return p


def main(argv=None):
    args = build_parser().parse_args(argv)
    torch.set_num_threads(args.threads)
    r = Runner(args)
    rates = [int(v) for v in args.rates.split(",") if v] or sorted(r.pack.rate_indexes)
    summary = {"task": args.task, "dataset": r.task.dataset,
               "task_model": os.path.basename(args.task_model or r.task.model_default),
               "codec_id": r.pack.codec_id, "settings": r.task.settings, "original": r.score(r.original()), "curves": {}}
    if not args.skip_human:
        summary["curves"]["human"] = [dict(rate=q, **r.score(r.human(q))) for q in rates]
    for spec in args.adaptor:
        label, ckpt = spec.split("=", 1)
        summary["curves"][label] = [dict(rate=q, **r.score(r.adaptor(label, ckpt, q))) for q in rates]
    for name in [b for b in args.baselines.split(",") if b]:
        if baselines.CODECS[name].missing_tools():
            print(f"[skip] {name}: tools missing")
            continue
        summary["curves"][name] = [dict(quality=q, **r.score(r.conventional(name, q))) for q in QUALITIES[name]]
    print(json.dumps(summary, indent=1))
    if args.summary:
        os.makedirs(os.path.dirname(os.path.abspath(args.summary)), exist_ok=True)
        with open(args.summary, "w", encoding="utf-8") as f:
            json.dump(summary, f, indent=1)
            f.write("\n")
    return summary


if __name__ == "__main__":
    main()
