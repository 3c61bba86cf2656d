"""Detection with a YOLOX-style ONNX network: COCO128 data, letterbox, the pack graph, evaluation decode.

The deployed detection pack computes `DetectionGraph`: T-synthesis -> clamp to [0, 1] -> letterbox of the
padded frame into 416x416 (bilinear, top-left, grey 114) -> BGR*255 -> the detector; Java decodes its raw
output by the pack's postprocess (docs/adaptor-pack.md). The evaluation here runs the same graph in torch
and the same decode, with the evaluation thresholds (score 0.001, NMS IoU 0.65, as YOLOX's own COCO eval).
"""
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

from ..task_pack import decode_boxes, input_frame
from .tasknet import to_network_input

COCO_LABELS = [
    "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat", "traffic light",
    "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat", "dog", "horse", "sheep", "cow",
    "elephant", "bear", "zebra", "giraffe", "backpack", "umbrella", "handbag", "tie", "suitcase", "frisbee",
    "skis", "snowboard", "sports ball", "kite", "baseball bat", "baseball glove", "skateboard", "surfboard",
    "tennis racket", "bottle", "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple",
    "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair", "couch",
    "potted plant", "bed", "dining table", "toilet", "tv", "laptop", "mouse", "remote", "keyboard",
    "cell phone", "microwave", "oven", "toaster", "sink", "refrigerator", "book", "clock", "vase", "scissors",
    "teddy bear", "hair drier", "toothbrush"]

INPUT_SIZE = 416
PAD_VALUE = 114.0 / 255.0


def postprocess(score_threshold=0.25, iou_threshold=0.45, max_detections=100):
    """The pack's postprocess block for YOLOX-nano (served defaults)."""
    return {"decode": "yolox", "strides": [8, 16, 32], "score_activation": "none",
            "geometry": {"mode": "letterbox", "width": INPUT_SIZE, "height": INPUT_SIZE},
            "score_threshold": score_threshold, "iou_threshold": iou_threshold, "max_detections": max_detections}


EVAL_POSTPROCESS = postprocess(0.001, 0.65, 1000)


def load_split(root, split="val2017", limit=0):
    """-> [(name, uint8 [H, W, 3], [(class, x0, y0, x1, y1) in pixels])], sorted by name."""
    img_dir = os.path.join(root, "images", split)
    lbl_dir = os.path.join(root, "object_detection", "labels", split)
    out = []
    for name in sorted(os.listdir(img_dir)):
        if not name.lower().endswith((".jpg", ".jpeg", ".png")):
            continue
        image = np.asarray(Image.open(os.path.join(img_dir, name)).convert("RGB"))
        h, w = image.shape[:2]
        gt = []
        lbl = os.path.join(lbl_dir, os.path.splitext(name)[0] + ".txt")
        if os.path.exists(lbl):
            for line in open(lbl, encoding="utf-8"):
                parts = line.split()
                if len(parts) == 5:
                    c, cx, cy, bw, bh = int(parts[0]), *map(float, parts[1:])
                    gt.append((c, (cx - bw / 2) * w, (cy - bh / 2) * h, (cx + bw / 2) * w, (cy + bh / 2) * h))
        out.append((name, image, gt))
        if limit and len(out) >= limit:
            break
    return out


def letterbox(rgb, size=INPUT_SIZE):
    """[B,3,H,W] in [0,1] -> [B,3,size,size]: scale min(size/W, size/H), top-left, grey padding.
    Under ONNX export the sizes stay tensors (the graph takes any latent size)."""
    h, w = rgb.shape[2], rgb.shape[3]
    hf, wf = [v.to(torch.float32) if torch.is_tensor(v) else torch.tensor(float(v)) for v in (h, w)]
    s = torch.minimum(size / wf, size / hf)
    nh = torch.floor(hf * s + 0.5).to(torch.int64)
    nw = torch.floor(wf * s + 0.5).to(torch.int64)
    if not torch.onnx.is_in_onnx_export():
        nh, nw = int(nh), int(nw)
    x = F.interpolate(rgb, size=(nh, nw), mode="bilinear", align_corners=False)
    # Pad with 0 around the shifted image, then shift back: a constant pad value that stays exact.
    return F.pad(x - PAD_VALUE, (0, size - nw, 0, size - nh)) + PAD_VALUE


class DetectionGraph(nn.Module):
    """y_dec -> raw detector predictions [1, A, 5 + C]: what the detection pack's adaptor.onnx computes."""

    def __init__(self, synthesis, detector_net, input_format="bgr255"):
        super().__init__()
        self.synthesis, self.net, self.input_format = synthesis, detector_net, input_format

    def forward(self, y):
        rgb = self.synthesis(y).clamp(0, 1)
        return self.net(to_network_input(letterbox(rgb), self.input_format))


def yolox_output_distillation(student, teacher):
    """Output distillation for raw YOLOX predictions [B, A, 5 + C] (box regression, then objectness and
    class scores as probabilities): the relative squared error of the score map objectness x class (what
    ranks the detections), plus the mean absolute error of the box regression weighted by the teacher's
    objectness (so only where the detector on the original sees an object). Zero when they agree."""
    score_t = teacher[..., 4:5] * teacher[..., 5:]
    score_s = student[..., 4:5] * student[..., 5:]
    score = F.mse_loss(score_s, score_t) / (score_t.pow(2).mean() + 1e-9)
    weight = teacher[..., 4:5]
    box = (weight * (student[..., :4] - teacher[..., :4]).abs()).sum() / (4 * weight.sum() + 1e-9)
    return score + box


def detections_from_raw(raw, frame_w, frame_h, width, height, pp=EVAL_POSTPROCESS, num_classes=80):
    """Raw [1, A, 5+C] of a letterboxed frame (frame_w x frame_h) -> [(class, score, x0, y0, x1, y1)] in the
    original width x height (docs/adaptor-pack.md's rule, vectorised; NMS by torchvision, same IoU rule)."""
    from torchvision.ops import batched_nms
    in_w, in_h, sx, sy = input_frame(pp["geometry"], frame_w, frame_h)
    boxes, cls, score = decode_boxes(np.asarray(raw)[0], pp, num_classes, in_w, in_h)
    keep = score >= pp["score_threshold"]
    boxes, cls, score = boxes[keep], cls[keep], score[keep]
    boxes = boxes / np.array([sx, sy, sx, sy])
    boxes = np.clip(boxes, 0, [width, height, width, height])
    ok = (boxes[:, 2] > boxes[:, 0]) & (boxes[:, 3] > boxes[:, 1])
    boxes, cls, score = boxes[ok], cls[ok], score[ok]
    if not len(score):
        return []
    kept = batched_nms(torch.from_numpy(boxes).float(), torch.from_numpy(score).float(),
                       torch.from_numpy(cls).long(), pp["iou_threshold"]).numpy()[:pp["max_detections"]]
    return [(int(cls[i]), float(score[i]), *map(float, boxes[i])) for i in kept]


@torch.no_grad()
def detect_rgb(net, image, input_format="bgr255", pp=EVAL_POSTPROCESS):
    """A decoded/original uint8 [H, W, 3] image -> detections (standard YOLOX letterbox of the image)."""
    h, w = image.shape[:2]
    rgb = torch.from_numpy(np.ascontiguousarray(image.transpose(2, 0, 1))).float()[None] / 255.0
    raw = net(to_network_input(letterbox(rgb), input_format))
    return detections_from_raw(raw.numpy(), w, h, w, h, pp)


@torch.no_grad()
def detect_latent(graph, y_dec, width, height, pp=EVAL_POSTPROCESS):
    """What the deployed pack returns for a bitstream's y_dec (letterbox of the padded frame)."""
    raw = graph(torch.as_tensor(y_dec)[None] if np.ndim(y_dec) == 3 else torch.as_tensor(y_dec))
    pad_h, pad_w = 16 * np.shape(y_dec)[-2], 16 * np.shape(y_dec)[-1]
    return detections_from_raw(raw.numpy(), pad_w, pad_h, width, height, pp)
