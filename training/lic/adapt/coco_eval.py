"""COCO-style box mAP (the rules of pycocotools' COCOeval for bounding boxes, area range 'all').

Per category and IoU threshold t in 0.50:0.05:0.95: each image keeps its `max_dets` highest-scoring
detections of the category (as COCOeval.evaluateImg does); detections, sorted by score (stable), are matched greedily to the
not-yet-matched ground-truth box of that image and category with the highest IoU >= t; unmatched ones are
false positives. Precision is made monotone (running max from the right) and sampled at 101 recall points
(0, 0.01, ..., 1): for each point the precision at the first rank whose recall reaches it, else 0. A
category's AP is the mean over IoU thresholds; categories without ground truth are left out of the mean;
categories with ground truth but no detection score 0. IoU is on continuous coordinates (no +1).

Inputs: ground truth {image_id: [(class, x0, y0, x1, y1), ...]}, detections {image_id: [(class, score, x0,
y0, x1, y1), ...]}. No crowd boxes (COCO128's YOLO labels have none).
"""
import numpy as np

IOU_THRESHOLDS = np.linspace(0.5, 0.95, 10)
RECALL_POINTS = np.linspace(0.0, 1.0, 101)


def box_iou(a, b):
    """IoU matrix of boxes a [n, 4] and b [m, 4] (x0, y0, x1, y1)."""
    a, b = np.asarray(a, dtype=np.float64).reshape(-1, 4), np.asarray(b, dtype=np.float64).reshape(-1, 4)
    ix0 = np.maximum(a[:, None, 0], b[None, :, 0])
    iy0 = np.maximum(a[:, None, 1], b[None, :, 1])
    ix1 = np.minimum(a[:, None, 2], b[None, :, 2])
    iy1 = np.minimum(a[:, None, 3], b[None, :, 3])
    inter = np.clip(ix1 - ix0, 0, None) * np.clip(iy1 - iy0, 0, None)
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    union = area_a[:, None] + area_b[None, :] - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)


def _matches(gt_boxes, det_boxes, t):
    """Greedy matching of detections (already sorted by score) -> bool array of true positives."""
    tp = np.zeros(len(det_boxes), dtype=bool)
    if not len(gt_boxes) or not len(det_boxes):
        return tp
    ious = box_iou(det_boxes, gt_boxes)
    taken = np.zeros(len(gt_boxes), dtype=bool)
    for d in range(len(det_boxes)):
        best, best_iou = -1, min(t, 1 - 1e-10)
        for g in range(len(gt_boxes)):
            if taken[g] or ious[d, g] < best_iou:
                continue
            best, best_iou = g, ious[d, g]
        if best >= 0:
            taken[best] = True
            tp[d] = True
    return tp


def average_precisions(scores, tps, n_gt):
    """101-point interpolated AP of one category at each IoU threshold: tps [n, thresholds] -> [thresholds]."""
    tps = np.asarray(tps)
    if n_gt == 0:
        return np.full(tps.shape[1], np.nan)
    if not len(scores):
        return np.zeros(tps.shape[1])
    order = np.argsort(-np.asarray(scores), kind="mergesort")
    tp = tps.astype(np.float64)[order]
    tp_sum, fp_sum = np.cumsum(tp, axis=0), np.cumsum(1 - tp, axis=0)
    recall = tp_sum / n_gt
    precision = tp_sum / np.maximum(tp_sum + fp_sum, np.spacing(1))
    precision = np.maximum.accumulate(precision[::-1], axis=0)[::-1]
    out = np.empty(tps.shape[1])
    for t in range(tps.shape[1]):
        idx = np.searchsorted(recall[:, t], RECALL_POINTS, side="left")
        sampled = np.where(idx < len(precision), precision[np.minimum(idx, len(precision) - 1), t], 0.0)
        out[t] = sampled.mean()
    return out


def image_matches(gt_boxes, det_boxes, max_dets=100):
    """One image's part of the evaluation: {class: (scores [n], true positives [n, thresholds], n_gt)} for
    every class it has ground truth or detections of. Matching never looks across images, so any set of
    images (a bootstrap resample too) is scored by pooling these (pooled_map)."""
    out = {}
    for c in {g[0] for g in gt_boxes} | {d[0] for d in det_boxes}:
        gt = np.array([g[1:5] for g in gt_boxes if g[0] == c]).reshape(-1, 4)
        mine = sorted((d for d in det_boxes if d[0] == c), key=lambda d: -d[1])[:max_dets]
        boxes = np.array([d[2:6] for d in mine]).reshape(-1, 4)
        tp = np.stack([_matches(gt, boxes, t) for t in IOU_THRESHOLDS], axis=1)
        out[c] = (np.array([d[1] for d in mine], dtype=np.float64), tp, len(gt))
    return out


def pooled_map(per_image, classes):
    """The metrics of the images whose image_matches are listed (in image order; ties in score keep it)."""
    ap = np.full((len(classes), len(IOU_THRESHOLDS)), np.nan)
    for ci, c in enumerate(classes):
        parts = [m[c] for m in per_image if c in m]
        n_gt = sum(p[2] for p in parts)
        scores = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0)
        tps = np.concatenate([p[1] for p in parts]) if parts else np.zeros((0, len(IOU_THRESHOLDS)), dtype=bool)
        ap[ci] = average_precisions(scores, tps, n_gt)
    valid = ~np.isnan(ap[:, 0])
    if not valid.any():
        return {"map": float("nan"), "map50": float("nan"), "map75": float("nan"), "per_class": {}}
    return {"map": float(ap[valid].mean()), "map50": float(ap[valid, 0].mean()),
            "map75": float(ap[valid, 5].mean()),
            "per_class": {int(c): float(ap[ci].mean()) for ci, c in enumerate(classes) if valid[ci]}}


def evaluate(ground_truth, detections, max_dets=100, num_classes=None):
    """-> {"map": mAP@[.5:.95], "map50": mAP@.5, "map75": ..., "per_class": {class: AP@[.5:.95]}}."""
    classes = sorted({g[0] for boxes in ground_truth.values() for g in boxes} if num_classes is None
                     else range(num_classes))
    images = sorted(set(ground_truth) | set(detections), key=str)
    return pooled_map([image_matches(ground_truth.get(img, []), list(detections.get(img, [])), max_dets)
                       for img in images], classes)
