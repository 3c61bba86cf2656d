"""Random-crop training data from a folder of photos (../shared/data/photos by default).

Augmentation: random crop, horizontal flip, and random down-scaling (0.6-1.0) before the crop so
that the codec sees several scales of the same content.
"""
import os
import random

import numpy as np
import torch
from PIL import Image

IMAGE_EXTS = (".jpg", ".jpeg", ".png")


def list_images(folder):
    names = sorted(n for n in os.listdir(folder) if n.lower().endswith(IMAGE_EXTS))
    if not names:
        raise FileNotFoundError(f"no images in {folder}")
    return [os.path.join(folder, n) for n in names]


def _pool(source, max_images):
    """PIL RGB images of a folder, or a given list of PIL images (e.g. lic.synthetic's pool)."""
    if isinstance(source, (list, tuple)):
        return [im.convert("RGB") for im in source[:max_images or None]]
    paths = list_images(source)
    return [load_rgb(p) for p in (paths[:max_images] if max_images else paths)]


def load_rgb(path):
    with Image.open(path) as im:
        return im.convert("RGB")


class CropSampler:
    """Holds all photos decoded in memory (the set is small) and samples crops from them.
    `folder` may also be a list of PIL images."""

    def __init__(self, folder, crop=128, seed=0, scale_range=(0.6, 1.0), max_images=0):
        self.crop = crop
        self.rng = random.Random(seed)
        self.scale_range = scale_range
        self.images = _pool(folder, max_images)

    def _one(self):
        im = self.images[self.rng.randrange(len(self.images))]
        s = self.rng.uniform(*self.scale_range)
        w, h = im.size
        if min(w, h) * s >= self.crop and s < 0.999:
            im = im.resize((max(self.crop, round(w * s)), max(self.crop, round(h * s))), Image.BICUBIC)
            w, h = im.size
        if w < self.crop or h < self.crop:
            im = im.resize((max(w, self.crop), max(h, self.crop)), Image.BICUBIC)
            w, h = im.size
        x0 = self.rng.randrange(w - self.crop + 1)
        y0 = self.rng.randrange(h - self.crop + 1)
        a = np.asarray(im.crop((x0, y0, x0 + self.crop, y0 + self.crop)), dtype=np.float32) / 255.0
        if self.rng.random() < 0.5:
            a = a[:, ::-1]
        return torch.from_numpy(np.ascontiguousarray(a.transpose(2, 0, 1)))

    def batch(self, n):
        return torch.stack([self._one() for _ in range(n)])


class GpuCropSampler:
    """The same augmentation as CropSampler, done on the training device.

    The photos are decoded once (PIL, on the CPU) into a pool of uint8 [3, H, W] tensors that live on
    `device`; a batch is then cut, scaled, flipped and converted to float there, so that a GPU run does
    not wait for the CPU. Scale augmentation: with scale s ~ U(scale_range), a square region of
    crop/s pixels is resized to crop x crop (bicubic with antialiasing, clamped to [0, 1]), which is
    what CropSampler's "down-scale the photo by s, then crop" does. Photos smaller than the crop are
    up-scaled once when loaded. Random choices come from a CPU random.Random(seed), so sampling never
    waits for the device. Returns float32 [n, 3, crop, crop] in [0, 1] on `device`.
    """

    def __init__(self, folder, crop=128, seed=0, scale_range=(0.6, 1.0), device="cuda", max_images=0):
        self.crop = crop
        self.rng = random.Random(seed)
        self.scale_range = scale_range
        self.device = torch.device(device)
        self.images = []
        self.bytes = 0
        for im in _pool(folder, max_images):
            w, h = im.size
            if w < crop or h < crop:
                im = im.resize((max(w, crop), max(h, crop)), Image.BICUBIC)
            t = torch.from_numpy(np.asarray(im, dtype=np.uint8).transpose(2, 0, 1).copy())
            self.images.append(t.to(self.device))
            self.bytes += t.numel()
        self._antialias = True

    def _resize(self, region):
        x = region[None].float()
        try:
            x = torch.nn.functional.interpolate(x, size=(self.crop, self.crop), mode="bicubic",
                                                align_corners=False, antialias=self._antialias)
        except (RuntimeError, NotImplementedError, TypeError):   # an old build without antialiasing
            self._antialias = False
            x = torch.nn.functional.interpolate(x, size=(self.crop, self.crop), mode="area")
        return x[0].clamp_(0.0, 255.0)

    def _one(self):
        im = self.images[self.rng.randrange(len(self.images))]
        _, h, w = im.shape
        s = self.rng.uniform(*self.scale_range)
        c = self.crop
        if min(w, h) * s >= c and s < 0.999:
            r = min(h, w, max(c, round(c / s)))
            y0 = self.rng.randrange(h - r + 1)
            x0 = self.rng.randrange(w - r + 1)
            out = self._resize(im[:, y0:y0 + r, x0:x0 + r])
        else:
            y0 = self.rng.randrange(h - c + 1)
            x0 = self.rng.randrange(w - c + 1)
            out = im[:, y0:y0 + c, x0:x0 + c].float()
        if self.rng.random() < 0.5:
            out = out.flip(-1)
        return out

    def batch(self, n):
        return torch.stack([self._one() for _ in range(n)]).div_(255.0)
