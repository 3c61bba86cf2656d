"""SSIM and MS-SSIM in numpy (float64), for evaluation only.

MS-SSIM follows Wang, Simoncelli and Bovik 2003, "Multi-scale structural similarity for image quality
assessment": 5 scales with weights (0.0448, 0.2856, 0.3001, 0.2363, 0.1333), an 11-tap Gaussian window
of sigma 1.5 applied separably and without padding ("valid", as in the authors' MATLAB code),
K1 = 0.01, K2 = 0.03, and 2x2 average pooling between scales (an odd row or column is dropped first).
The contrast-structure term of scales 1-4 and the full SSIM of scale 5 are clamped at 0 before the
weighted product (as pytorch_msssim and CompressAI's evaluation do). Colour images are handled per
channel and the per-channel MS-SSIM values are averaged, the convention of CompressAI's published
"ms-ssim" numbers on RGB.
"""
import numpy as np

WEIGHTS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)
WIN_SIZE = 11
SIGMA = 1.5
K1, K2 = 0.01, 0.03


def gaussian_window(size=WIN_SIZE, sigma=SIGMA):
    x = np.arange(size, dtype=np.float64) - (size - 1) / 2
    g = np.exp(-(x * x) / (2 * sigma * sigma))
    return g / g.sum()


def _filter_valid(img, g):
    """Separable 'valid' correlation of [C, H, W] with the 1-D window g along H then W."""
    k = len(g)
    h, w = img.shape[-2:]
    out = np.zeros(img.shape[:-2] + (h - k + 1, w), dtype=np.float64)
    for i in range(k):
        out += g[i] * img[..., i:i + h - k + 1, :]
    res = np.zeros(img.shape[:-2] + (h - k + 1, w - k + 1), dtype=np.float64)
    for i in range(k):
        res += g[i] * out[..., :, i:i + w - k + 1]
    return res


def _ssim_cs(x, y, data_range, g):
    """Per-channel mean SSIM and mean contrast-structure term of [C, H, W] float64 arrays."""
    c1 = (K1 * data_range) ** 2
    c2 = (K2 * data_range) ** 2
    mu_x, mu_y = _filter_valid(x, g), _filter_valid(y, g)
    sxx = _filter_valid(x * x, g) - mu_x * mu_x
    syy = _filter_valid(y * y, g) - mu_y * mu_y
    sxy = _filter_valid(x * y, g) - mu_x * mu_y
    cs = (2 * sxy + c2) / (sxx + syy + c2)
    lum = (2 * mu_x * mu_y + c1) / (mu_x * mu_x + mu_y * mu_y + c1)
    return (lum * cs).mean(axis=(-2, -1)), cs.mean(axis=(-2, -1))


def _as_chw(a):
    a = np.asarray(a)
    if a.ndim == 2:
        a = a[None]
    elif a.ndim == 3:
        a = a.transpose(2, 0, 1)          # [H, W, C] -> [C, H, W]
    else:
        raise ValueError("image must be [H, W] or [H, W, C]")
    return a.astype(np.float64)


def ssim(a, b, data_range=255.0):
    """Single-scale SSIM (mean over the valid window positions and channels) of two [H, W(, C)] images."""
    x, y = _as_chw(a), _as_chw(b)
    if x.shape != y.shape:
        raise ValueError(f"shapes differ: {x.shape} vs {y.shape}")
    if min(x.shape[-2:]) < WIN_SIZE:
        raise ValueError(f"image smaller than the {WIN_SIZE}x{WIN_SIZE} window")
    s, _ = _ssim_cs(x, y, data_range, gaussian_window())
    return float(s.mean())


def _pool2(x):
    h, w = x.shape[-2:]
    x = x[..., :h - h % 2, :w - w % 2]
    return 0.25 * (x[..., 0::2, 0::2] + x[..., 1::2, 0::2] + x[..., 0::2, 1::2] + x[..., 1::2, 1::2])


def ms_ssim(a, b, data_range=255.0, weights=WEIGHTS):
    """MS-SSIM of two [H, W(, C)] images (uint8 or float in [0, data_range]); 1.0 for identical images."""
    x, y = _as_chw(a), _as_chw(b)
    if x.shape != y.shape:
        raise ValueError(f"shapes differ: {x.shape} vs {y.shape}")
    levels = len(weights)
    need = (WIN_SIZE - 1) * 2 ** (levels - 1) + 1
    if min(x.shape[-2:]) < need:
        raise ValueError(f"MS-SSIM with {levels} scales needs a side of at least {need} pixels")
    g = gaussian_window()
    w = np.asarray(weights, dtype=np.float64)
    vals = []
    for level in range(levels):
        s, cs = _ssim_cs(x, y, data_range, g)
        vals.append(s if level == levels - 1 else cs)
        if level < levels - 1:
            x, y = _pool2(x), _pool2(y)
    vals = np.maximum(np.stack(vals), 0.0)                  # [levels, C]
    per_channel = np.prod(vals ** w[:, None], axis=0)
    return float(per_channel.mean())
