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


def load_rgb(path):
    with Image.open(path) as im:
        return im.convert("RGB")


class CropSampler:
    """Holds all photos decoded in memory (the set is small) and samples crops from them."""

    def __init__(self, folder, crop=128, seed=0, scale_range=(0.6, 1.0)):
        self.crop = crop
        self.rng = random.Random(seed)
        self.scale_range = scale_range
        self.images = [load_rgb(p) for p in list_images(folder)]

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
