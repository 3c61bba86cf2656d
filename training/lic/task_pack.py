"""Typed adaptor packs (docs/adaptor-pack.md, format_version 2): the writer, the reference
post-processing (the rules the Java decoder implements, in numpy) and the bundled self-test.

    write_task_pack(out_dir, graph, name=..., codec_id=..., task="detection"|"segmentation"|"image",
                    labels=[...], postprocess={...}, selftest_latent=np.ndarray [1,M,h,w],
                    width=W, height=H)

exports `graph` (a torch module y_hat -> raw output) to ONNX, computes the expected self-test output
with the torch module and the reference post-processing, writes selftest_input.bin,
selftest_expected.json, labels.txt and manifest.json, and re-reads the pack.
"""
import base64
import hashlib
import json
import math
import os

import numpy as np
import torch

from .onnx_export import OPSET, export_graph

FORMAT = "lic-adaptor-pack"
GRAPH_FILE = "adaptor.onnx"
SELFTEST_INPUT = "selftest_input.bin"
SELFTEST_EXPECTED = "selftest_expected.json"
LABELS_FILE = "labels.txt"
TASKS = ("image", "detection", "segmentation")

# Self-test tolerances the writer puts in selftest_expected.json (docs/adaptor-pack.md, "Self-test").
IMAGE_MAX_ABS, IMAGE_MEAN_ABS = 2, 0.5
BOX_TOL, SCORE_TOL = 0.5, 1e-3
MIN_AGREEMENT = 0.995


def _sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


# ----------------------------------------------------------------------------------------------
# Reference post-processing
# ----------------------------------------------------------------------------------------------

def _act(x, activation):
    x = np.asarray(x, dtype=np.float64)
    return 1.0 / (1.0 + np.exp(-x)) if activation == "sigmoid" else x


def input_frame(geometry, pad_w, pad_h):
    """(in_w, in_h, sx, sy): the graph's input frame and the factors frame = padded * s."""
    mode = geometry["mode"]
    if mode == "padded":
        return pad_w, pad_h, 1.0, 1.0
    in_w, in_h = geometry["width"], geometry["height"]
    if mode == "letterbox":
        s = min(in_w / pad_w, in_h / pad_h)
        return in_w, in_h, s, s
    if mode == "stretch":
        return in_w, in_h, in_w / pad_w, in_h / pad_h
    raise ValueError(f"unknown geometry mode {mode!r}")


def anchor_count(strides, in_w, in_h):
    return sum(math.ceil(in_h / s) * math.ceil(in_w / s) for s in strides)


def decode_boxes(raw, pp, num_classes, in_w, in_h):
    """raw [A, D] -> (boxes [A,4] in the input frame, class [A], score [A]) by pp["decode"]."""
    raw = np.asarray(raw, dtype=np.float64)
    act = pp.get("score_activation", "none")
    if pp["decode"] == "yolox":
        grid, strides = [], []
        for s in pp["strides"]:
            gh, gw = math.ceil(in_h / s), math.ceil(in_w / s)
            gy, gx = np.meshgrid(np.arange(gh), np.arange(gw), indexing="ij")
            grid.append(np.stack([gx.ravel(), gy.ravel()], 1))
            strides.append(np.full(gh * gw, s, dtype=np.float64))
        grid, st = np.concatenate(grid).astype(np.float64), np.concatenate(strides)
        assert raw.shape == (len(st), 5 + num_classes), raw.shape
        cx, cy = (raw[:, 0] + grid[:, 0]) * st, (raw[:, 1] + grid[:, 1]) * st
        w, h = np.exp(raw[:, 2]) * st, np.exp(raw[:, 3]) * st
        boxes = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], 1)
        obj, cls = _act(raw[:, 4], act), _act(raw[:, 5:], act)
        k = np.argmax(cls, 1)
        return boxes, k, obj * cls[np.arange(len(k)), k]
    if pp["decode"] == "xyxy":
        assert raw.shape[1] == 4 + num_classes, raw.shape
        cls = _act(raw[:, 4:], act)
        k = np.argmax(cls, 1)
        return raw[:, :4].copy(), k, cls[np.arange(len(k)), k]
    raise ValueError(f"unknown decode {pp['decode']!r}")


def iou(a, b):
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = iw * ih
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def detect(raw, pp, labels, pad_w, pad_h, width, height):
    """The detection post-processing of docs/adaptor-pack.md: a list of dicts class/label/score/box."""
    in_w, in_h, sx, sy = input_frame(pp["geometry"], pad_w, pad_h)
    boxes, cls, score = decode_boxes(np.asarray(raw)[0], pp, len(labels), in_w, in_h)
    cands = []
    for i in range(len(score)):
        if not score[i] >= pp["score_threshold"]:
            continue
        x0, y0, x1, y1 = boxes[i]
        b = [min(max(x0 / sx, 0.0), width), min(max(y0 / sy, 0.0), height),
             min(max(x1 / sx, 0.0), width), min(max(y1 / sy, 0.0), height)]
        if b[2] > b[0] and b[3] > b[1]:
            cands.append((float(score[i]), i, int(cls[i]), b))
    cands.sort(key=lambda c: (-c[0], c[1]))
    kept = []
    for c in cands:
        if all(k[2] != c[2] or iou(k[3], c[3]) <= pp["iou_threshold"] for k in kept):
            kept.append(c)
    kept = kept[:pp["max_detections"]]
    return [{"class": c[2], "label": labels[c[2]], "score": c[0], "box": c[3]} for c in kept]


def _upsample_axis(n_out, n_in, stride, rule):
    """Per output index: (i0, i1, weight of i1)."""
    x = np.arange(n_out, dtype=np.float64)
    if rule == "nearest":
        i0 = np.minimum(np.floor(x / stride).astype(int), n_in - 1)
        return i0, i0, np.zeros(n_out)
    src = np.maximum((x + 0.5) / stride - 0.5, 0.0)
    i0 = np.minimum(np.floor(src).astype(int), n_in - 1)
    i1 = np.minimum(i0 + 1, n_in - 1)
    return i0, i1, src - i0


def segment(logits, pp, width, height):
    """logits [1,K,h',w'] -> (class map uint8/uint16 [height,width], fractions [K])."""
    lg = np.asarray(logits, dtype=np.float64)[0]
    k, hh, ww = lg.shape
    s = pp["stride"]
    y0, y1, wy = _upsample_axis(height, hh, s, pp["upsample"])
    x0, x1, wx = _upsample_axis(width, ww, s, pp["upsample"])
    top = lg[:, y0][:, :, x0] * (1 - wx) + lg[:, y0][:, :, x1] * wx
    bot = lg[:, y1][:, :, x0] * (1 - wx) + lg[:, y1][:, :, x1] * wx
    up = top * (1 - wy)[None, :, None] + bot * wy[None, :, None]
    cmap = np.argmax(up, 0).astype(np.uint8 if k <= 256 else np.uint16)
    frac = np.bincount(cmap.ravel(), minlength=k) / float(width * height)
    return cmap, frac


def image_rgb(planes, width, height):
    """[1,3,H,W] float -> uint8 [height,width,3]: clamp to [0,1], x255, round half up, crop."""
    x = np.clip(np.asarray(planes, dtype=np.float64)[0], 0, 1)
    return np.floor(x * 255 + 0.5).astype(np.uint8)[:, :height, :width].transpose(1, 2, 0)


# ----------------------------------------------------------------------------------------------
# Writer
# ----------------------------------------------------------------------------------------------

def expected_output(task, raw, pp, labels, pad_w, pad_h, width, height):
    """The selftest_expected.json object for one raw graph output."""
    if task == "image":
        rgb = image_rgb(raw, width, height)
        return {"rgb": base64.b64encode(rgb.tobytes()).decode("ascii"),
                "max_abs_error": IMAGE_MAX_ABS, "mean_abs_error": IMAGE_MEAN_ABS}
    if task == "detection":
        dets = detect(raw, pp, labels, pad_w, pad_h, width, height)
        return {"detections": [{"class": d["class"], "score": round(d["score"], 6),
                                "box": [round(v, 4) for v in d["box"]]} for d in dets],
                "box_tolerance": BOX_TOL, "score_tolerance": SCORE_TOL}
    cmap, frac = segment(raw, pp, width, height)
    return {"classes": base64.b64encode(cmap.astype("<u2" if cmap.dtype == np.uint16 else np.uint8)
                                        .tobytes()).decode("ascii"),
            "fractions": [round(float(f), 6) for f in frac], "min_agreement": MIN_AGREEMENT}


def write_task_pack(out_dir, graph, *, name, codec_id, task, selftest_latent, width, height, version=1,
                    labels=None, postprocess=None, output_name=None, labels_file=True, opset=OPSET,
                    extra_manifest=None):
    """Export `graph` and write a format_version 2 adaptor pack of `task` with its self-test."""
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}")
    os.makedirs(out_dir, exist_ok=True)
    graph = graph.eval()
    for p in graph.parameters():
        p.requires_grad_(False)
    output_name = output_name or {"image": "image", "detection": "predictions", "segmentation": "logits"}[task]
    lat = np.ascontiguousarray(selftest_latent, dtype=np.float32)
    _, m, h, w = lat.shape
    if w != 4 * math.ceil(width / 64) or h != 4 * math.ceil(height / 64):     # docs/bitstream.md geometry
        raise ValueError(f"self-test size {width}x{height} does not fit a latent of {h}x{w}")
    export_graph(graph, torch.from_numpy(lat), os.path.join(out_dir, GRAPH_FILE), ["y_hat"], [output_name],
                 {"y_hat": {2: "h", 3: "w"}}, opset, share=True)
    with torch.no_grad():
        raw = graph(torch.from_numpy(lat)).numpy()
    lat.astype("<f4").tofile(os.path.join(out_dir, SELFTEST_INPUT))
    labels = list(labels or [])
    expected = expected_output(task, raw, postprocess, labels, 16 * w, 16 * h, width, height)
    with open(os.path.join(out_dir, SELFTEST_EXPECTED), "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")
    files = [GRAPH_FILE, SELFTEST_INPUT, SELFTEST_EXPECTED]
    manifest = {"format": FORMAT, "format_version": 2, "name": name, "version": version,
                "codec_id": codec_id, "task": task, "files": {},
                "graph": {"file": GRAPH_FILE, "input": "y_hat", "output": output_name}}
    if task != "image":
        if labels_file:
            with open(os.path.join(out_dir, LABELS_FILE), "w", encoding="utf-8") as f:
                f.write("".join(label + "\n" for label in labels))
            files.append(LABELS_FILE)
            manifest["labels"] = {"file": LABELS_FILE}
        else:
            manifest["labels"] = labels
        manifest["postprocess"] = postprocess
    manifest["selftest"] = {"input": SELFTEST_INPUT, "shape": [1, m, h, w], "width": width, "height": height,
                            "expected": SELFTEST_EXPECTED}
    manifest.update(extra_manifest or {})
    manifest["files"] = {f: _sha256(os.path.join(out_dir, f)) for f in files}
    with open(os.path.join(out_dir, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    from .pack import load_adaptor_pack
    return load_adaptor_pack(out_dir, [codec_id])


# ----------------------------------------------------------------------------------------------
# The mechanical test packs (python -m lic.make_test_pack --task-packs)
# ----------------------------------------------------------------------------------------------

DET_LABELS = ["person", "car", "dog"]
DET_INPUT = 64
DET_STRIDES = [8, 16, 32]
SEG_LABELS = ["background", "road", "sky"]


class ConstantDetection(torch.nn.Module):
    """Raw YOLOX-style predictions that do not depend on the latent: raw + 0 * sum(y_hat)."""

    def __init__(self, raw):
        super().__init__()
        self.register_buffer("raw", raw)

    def forward(self, y):
        return self.raw + 0.0 * y.sum()


class SignSegmentation(torch.nn.Module):
    """Logits at stride 16: class 0 = 2*y0, class 1 = 2*y1, class 2 = 0 (a fixed 1x1 projection)."""

    def __init__(self, m, k=3):
        super().__init__()
        self.proj = torch.nn.Conv2d(m, k, 1)
        with torch.no_grad():
            self.proj.weight.zero_()
            self.proj.bias.zero_()
            for c in range(k - 1):
                self.proj.weight[c, c] = 2.0

    def forward(self, y):
        return self.proj(y)


class SigmoidImage(torch.nn.Module):
    """An image task graph: RGB = sigmoid of y_hat's first 3 channels, nearest-upsampled x16."""

    def forward(self, y):
        return torch.sigmoid(torch.nn.functional.interpolate(y[:, :3], scale_factor=16.0, mode="nearest"))


def detection_raw():
    """[1, 84, 8]: anchors of a 64x64 input at strides 8/16/32, 3 classes, probabilities (YOLOX export)."""
    a = anchor_count(DET_STRIDES, DET_INPUT, DET_INPUT)
    raw = torch.zeros(1, a, 5 + len(DET_LABELS))
    ln = math.log

    def put(i, x, y, w, h, obj, cls):
        raw[0, i, :5] = torch.tensor([x, y, ln(w), ln(h), obj])
        raw[0, i, 5:] = torch.tensor(cls)
    put(3 * 8 + 2, 0.5, 0.5, 2.0, 3.0, 0.9, [0.9, 0.1, 0.1])     # s8 (2,3): person [12,16,28,40] 0.81
    put(3 * 8 + 3, 0.0, 0.5, 2.0, 3.0, 0.8, [0.8, 0.1, 0.1])     # s8 (3,3): person, IoU 0.6: suppressed
    put(64 + 1 * 4 + 1, 0.5, 0.5, 1.0, 1.5, 0.7, [0.1, 0.9, 0.1])  # s16 (1,1): car [16,12,32,36] 0.63
    put(80 + 0 * 2 + 1, 0.25, 0.75, 1.0, 0.5, 0.95, [0.1, 0.1, 0.6])  # s32 (1,0): dog [24,16,56,32] 0.57
    put(5, 0.5, 0.5, 1.0, 1.0, 0.2, [0.5, 0.1, 0.1])              # score 0.1 < 0.25: dropped
    return raw


def detection_postprocess():
    return {"decode": "yolox", "strides": DET_STRIDES, "score_activation": "none",
            "geometry": {"mode": "letterbox", "width": DET_INPUT, "height": DET_INPUT},
            "score_threshold": 0.25, "iou_threshold": 0.45, "max_detections": 100}


def write_test_task_packs(root, codec_id, m, seed=0, image=True):
    """Writes <root>/detection, <root>/segmentation and, with image, <root>/image-v2 (a format_version 2
    image pack with a self-test) for the codec (M channels)."""
    rng = np.random.default_rng(seed)
    lat = rng.normal(0, 1.5, (1, m, 4, 8)).astype(np.float32)   # padded 128x64; original 120x60
    det = write_task_pack(os.path.join(root, "detection"), ConstantDetection(detection_raw()),
                          name="detection", codec_id=codec_id, task="detection", selftest_latent=lat,
                          width=120, height=60, labels=DET_LABELS, postprocess=detection_postprocess())
    seg = write_task_pack(os.path.join(root, "segmentation"), SignSegmentation(m), name="segmentation",
                          codec_id=codec_id, task="segmentation", selftest_latent=lat, width=120, height=60,
                          labels=SEG_LABELS, labels_file=False,
                          postprocess={"stride": 16, "upsample": "bilinear"})
    if not image:
        return det, seg, None
    img = write_task_pack(os.path.join(root, "image-v2"), SigmoidImage(), name="image-v2", codec_id=codec_id,
                          task="image", selftest_latent=lat, width=120, height=60)
    return det, seg, img
