import numpy as np
import pytest

from lic.msssim import WEIGHTS, gaussian_window, ms_ssim, ssim


def _image(h=192, w=176, seed=0):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    base = 128 + 60 * np.sin(x / 7.0) * np.cos(y / 11.0) + 30 * (x > w // 2)
    img = np.stack([base, base[::-1], 255 - base], axis=-1) + rng.normal(0, 8, (h, w, 3))
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


def test_weights_and_window():
    assert sum(WEIGHTS) == pytest.approx(1.0, abs=1e-3)
    g = gaussian_window()
    assert len(g) == 11 and g.sum() == pytest.approx(1.0) and g[5] == g.max()


def test_identical_images_give_one():
    a = _image()
    assert ms_ssim(a, a) == pytest.approx(1.0, abs=1e-12)
    assert ssim(a, a) == pytest.approx(1.0, abs=1e-12)


def test_noise_decreases_monotonically_and_symmetry():
    a = _image()
    rng = np.random.default_rng(1)
    noise = rng.normal(0, 1, a.shape)
    vals = []
    for sigma in (1, 3, 6, 12, 25, 50):
        b = np.clip(np.round(a + sigma * noise), 0, 255).astype(np.uint8)
        vals.append(ms_ssim(a, b))
    assert all(x > y for x, y in zip(vals, vals[1:])), vals
    assert 0 < vals[-1] < vals[0] < 1
    b = np.clip(np.round(a + 10 * noise), 0, 255).astype(np.uint8)
    assert ms_ssim(a, b) == pytest.approx(ms_ssim(b, a), abs=1e-12)


def test_ssim_matches_brute_force():
    rng = np.random.default_rng(2)
    a = rng.integers(0, 256, (16, 15)).astype(np.float64)
    b = np.clip(a + rng.normal(0, 20, a.shape), 0, 255)
    g = gaussian_window()
    w = np.outer(g, g)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    vals = []
    for i in range(16 - 10):
        for j in range(15 - 10):
            x, y = a[i:i + 11, j:j + 11], b[i:i + 11, j:j + 11]
            mx, my = (w * x).sum(), (w * y).sum()
            vx, vy = (w * x * x).sum() - mx * mx, (w * y * y).sum() - my * my
            cxy = (w * x * y).sum() - mx * my
            vals.append((2 * mx * my + c1) * (2 * cxy + c2) / ((mx * mx + my * my + c1) * (vx + vy + c2)))
    assert ssim(a, b) == pytest.approx(np.mean(vals), abs=1e-12)


def test_too_small_and_shape_mismatch():
    with pytest.raises(ValueError):
        ms_ssim(np.zeros((100, 200, 3)), np.zeros((100, 200, 3)))
    with pytest.raises(ValueError):
        ms_ssim(np.zeros((200, 200, 3)), np.zeros((200, 201, 3)))
