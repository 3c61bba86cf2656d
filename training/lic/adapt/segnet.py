"""The CamVid segmentation task network: YOLOX-nano's backbone and PAN (read from its ONNX file, the only
pretrained image backbone here) plus a small FPN-style head, trained on camvid/train, selected on camvid/val.

Input: RGB in [0, 1], [B, 3, H, W] with H, W multiples of 32. Output: logits [B, 11, H/8, W/8] (stride 8,
bilinear upsampling in the post-processing). Classes: CamVid's 11 (Sky ... Bicyclist); label 11 is ignored.

    python3 -m lic.adapt.segnet --out runs/camvid-segnet --epochs 30
    python3 -m lic.adapt.segnet --out runs/camvid-segnet --export task-models/camvid-segnet.onnx

Checkpoints every epoch (atomic, exact resume: model, optimizer, epoch, RNG states); val mIoU is logged
per epoch and the best epoch's weights are kept in best.pt.
"""
import argparse
import json
import math
import os
import random
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

from .onnx_import import OnnxModule
from .tasknet import YOLOX_NANO_FEATURES, to_network_input
from .train import atomic_save

CAMVID_LABELS = ["sky", "building", "pole", "road", "pavement", "tree", "sign-symbol", "fence", "car",
                 "pedestrian", "bicyclist"]
IGNORE = 11
STRIDE = 8


class ConvBnAct(nn.Sequential):
    def __init__(self, cin, cout, k=3):
        super().__init__(nn.Conv2d(cin, cout, k, padding=k // 2, bias=False), nn.BatchNorm2d(cout), nn.SiLU())


class SegNet(nn.Module):
    """YOLOX-nano PAN features (strides 8/16/32) -> lateral 1x1 to 64 ch, upsample, sum -> 2 conv -> logits."""

    def __init__(self, yolox_path, classes=len(CAMVID_LABELS), width=64):
        super().__init__()
        self.backbone = OnnxModule(yolox_path, trainable=True)
        self.lateral = nn.ModuleList([nn.Conv2d(c, width, 1) for c in (64, 128, 256)])
        self.fuse = nn.Sequential(ConvBnAct(width, width), ConvBnAct(width, width))
        self.classifier = nn.Conv2d(width, classes, 1)

    def features(self, rgb):
        frozen = not any(p.requires_grad for p in self.backbone.parameters())
        with torch.set_grad_enabled(torch.is_grad_enabled() and not frozen):
            out = self.backbone(to_network_input(rgb, "bgr255"), outputs=YOLOX_NANO_FEATURES)
        return [out[n] for n in YOLOX_NANO_FEATURES]

    def forward(self, rgb):
        f8, f16, f32 = self.features(rgb)
        h = self.lateral[0](f8)
        h = h + F.interpolate(self.lateral[1](f16), size=h.shape[2:], mode="bilinear", align_corners=False)
        h = h + F.interpolate(self.lateral[2](f32), size=h.shape[2:], mode="bilinear", align_corners=False)
        return self.classifier(self.fuse(h))


class SegmentationGraph(nn.Module):
    """y_dec -> logits [1, K, Hp/8, Wp/8]: what the segmentation pack's adaptor.onnx computes (the padded
    frame is a multiple of 64, so the network's stride-32 input constraint always holds)."""

    def __init__(self, synthesis, segmenter, input_format="rgb01"):
        super().__init__()
        self.synthesis, self.net, self.input_format = synthesis, segmenter, input_format

    def forward(self, y):
        return self.net(to_network_input(self.synthesis(y).clamp(0, 1), self.input_format))


def postprocess():
    return {"stride": STRIDE, "upsample": "bilinear"}


def load_camvid(root, split):
    """-> [(name, uint8 [H, W, 3], uint8 labels [H, W])]."""
    out = []
    for name in sorted(os.listdir(os.path.join(root, split))):
        image = np.asarray(Image.open(os.path.join(root, split, name)).convert("RGB"))
        labels = np.asarray(Image.open(os.path.join(root, split + "annot", os.path.splitext(name)[0] + ".png")))
        out.append((name, image, labels))
    return out


def pad_to(x, multiple, value=0.0):
    """Pad [B, C, H, W] right/bottom to multiples of `multiple` (edge for images, `value` for labels)."""
    h, w = x.shape[-2:]
    ph, pw = (-h) % multiple, (-w) % multiple
    if not ph and not pw:
        return x
    if x.is_floating_point():
        return F.pad(x, (0, pw, 0, ph), mode="replicate")
    return F.pad(x, (0, pw, 0, ph), value=int(value))


def upsample_logits(logits, height, width):
    """Bilinear x STRIDE (align_corners=False, as the pack's post-processing), cropped to the image."""
    up = F.interpolate(logits, scale_factor=STRIDE, mode="bilinear", align_corners=False)
    return up[..., :height, :width]


class IouMeter:
    def __init__(self, classes=len(CAMVID_LABELS)):
        self.conf = np.zeros((classes, classes), dtype=np.int64)

    def add(self, pred, target):
        valid = target != IGNORE
        k = len(self.conf)
        self.conf += np.bincount(k * target[valid].astype(np.int64) + pred[valid], minlength=k * k).reshape(k, k)

    def ious(self):
        inter = np.diag(self.conf)
        union = self.conf.sum(0) + self.conf.sum(1) - inter
        return np.where(union > 0, inter / np.maximum(union, 1), np.nan)

    def miou(self):
        return float(np.nanmean(self.ious()))


@torch.no_grad()
def predict(model, image):
    """uint8 [H, W, 3] -> class map [H, W] (the model on the edge-padded image, bilinear, argmax)."""
    h, w = image.shape[:2]
    x = torch.from_numpy(np.ascontiguousarray(image.transpose(2, 0, 1))).float()[None] / 255.0
    return upsample_logits(model(pad_to(x, 32)), h, w)[0].argmax(0).numpy()


def evaluate(model, data):
    model.eval()
    meter = IouMeter()
    for _, image, labels in data:
        meter.add(predict(model, image), labels)
    return meter


class CropSampler:
    """Random scale (0.75-1.25), crop, horizontal flip of CamVid frames and their labels."""

    def __init__(self, data, crop, seed):
        self.data, self.crop, self.rng = data, crop, random.Random(seed)

    def one(self):
        _, image, labels = self.data[self.rng.randrange(len(self.data))]
        s = self.rng.uniform(0.75, 1.25)
        h, w = labels.shape
        nh, nw = max(self.crop, round(h * s)), max(self.crop, round(w * s))
        im = np.asarray(Image.fromarray(image).resize((nw, nh), Image.BILINEAR))
        lb = np.asarray(Image.fromarray(labels).resize((nw, nh), Image.NEAREST))
        y0, x0 = self.rng.randrange(nh - self.crop + 1), self.rng.randrange(nw - self.crop + 1)
        im, lb = im[y0:y0 + self.crop, x0:x0 + self.crop], lb[y0:y0 + self.crop, x0:x0 + self.crop]
        if self.rng.random() < 0.5:
            im, lb = im[:, ::-1], lb[:, ::-1]
        return (torch.from_numpy(np.ascontiguousarray(im.transpose(2, 0, 1))).float() / 255.0,
                torch.from_numpy(np.ascontiguousarray(lb)).long())

    def batch(self, n):
        xs, ys = zip(*(self.one() for _ in range(n)))
        return torch.stack(xs), torch.stack(ys)


def build_parser():
    p = argparse.ArgumentParser(prog="python3 -m lic.adapt.segnet", description=__doc__.split("\n")[0])
    p.add_argument("--camvid", default="../../shared/data/camvid")
    p.add_argument("--yolox", default="../../shared/data/models/yolox_nano.onnx")
    p.add_argument("--out", required=True)
    p.add_argument("--epochs", type=int, default=30)
    p.add_argument("--steps-per-epoch", type=int, default=46, help="46 x batch 8 = one pass over camvid/train")
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--crop", type=int, default=320)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--backbone-lr-scale", type=float, default=0.25,
                   help="the backbone's learning rate relative to the head's; 0 freezes it (a third of the CPU)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--max-minutes", type=float, default=0.0)
    p.add_argument("--eval-every", type=int, default=3, help="epochs between val evaluations (and the last)")
    p.add_argument("--export", default=None, help="write best.pt as ONNX here and exit")
    return p


def export_onnx(model, path):
    model.eval()
    torch.onnx.export(model, torch.rand(1, 3, 384, 480), path, opset_version=13, input_names=["images"],
                      output_names=["logits"], dynamic_axes={"images": {2: "h", 3: "w"}, "logits": {2: "h8", 3: "w8"}},
                      do_constant_folding=True)


def main(argv=None):
    args = build_parser().parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    model = SegNet(args.yolox)
    os.makedirs(args.out, exist_ok=True)
    ckpt_path, best_path = os.path.join(args.out, "checkpoint.pt"), os.path.join(args.out, "best.pt")
    if args.export:
        model.load_state_dict(torch.load(best_path, map_location="cpu")["model"])
        export_onnx(model, args.export)
        print(f"wrote {args.export}")
        return
    train = load_camvid(args.camvid, "train")
    val = load_camvid(args.camvid, "val")
    head = [p for n, p in model.named_parameters() if not n.startswith("backbone.")]
    groups = [{"params": head, "lr_scale": 1.0}]
    if args.backbone_lr_scale > 0:
        groups.append({"params": list(model.backbone.parameters()), "lr_scale": args.backbone_lr_scale})
    else:
        for p in model.backbone.parameters():
            p.requires_grad_(False)
    opt = torch.optim.AdamW(groups, lr=args.lr, weight_decay=1e-4)
    sampler = CropSampler(train, args.crop, args.seed)
    epoch, best = 0, -1.0
    if os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path, map_location="cpu")
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["optimizer"])
        epoch, best = ck["epoch"], ck["best"]
        sampler.rng.setstate(ck["sampler_rng"])
        torch.set_rng_state(ck["torch_rng"])
    total = args.epochs * args.steps_per_epoch
    started = time.time()
    log = open(os.path.join(args.out, "log.jsonl"), "a", encoding="utf-8")
    while epoch < args.epochs:
        model.train()
        losses = []
        for i in range(args.steps_per_epoch):
            step = epoch * args.steps_per_epoch + i
            lr = args.lr * 0.5 * (1 + math.cos(math.pi * step / total)) if step >= 50 else args.lr * (step + 1) / 50
            for g in opt.param_groups:
                g["lr"] = lr * g["lr_scale"]
            x, y = sampler.batch(args.batch)
            logits = upsample_logits(model(x), x.shape[2], x.shape[3])
            loss = F.cross_entropy(logits, y, ignore_index=IGNORE)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            losses.append(float(loss))
        epoch += 1
        out_of_time = args.max_minutes and (time.time() - started) / 60 >= args.max_minutes
        rec = {"epoch": epoch, "loss": float(np.mean(losses)), "minutes": (time.time() - started) / 60,
               "images_seen": epoch * args.steps_per_epoch * args.batch}
        miou = -1.0
        if epoch % args.eval_every == 0 or epoch == args.epochs or out_of_time:
            meter = evaluate(model, val)
            miou = meter.miou()
            rec.update(val_miou=miou, val_iou=[round(float(v), 4) for v in meter.ious()])
        log.write(json.dumps(rec) + "\n")
        log.flush()
        print(json.dumps(rec), flush=True)
        if miou > best:
            best = miou
            atomic_save({"model": model.state_dict(), "epoch": epoch, "val_miou": miou}, best_path)
        atomic_save({"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": epoch, "best": best,
                      "sampler_rng": sampler.rng.getstate(), "torch_rng": torch.get_rng_state()}, ckpt_path)
        if out_of_time:
            break


if __name__ == "__main__":
    main()
