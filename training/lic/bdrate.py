"""Bjontegaard delta rate (BD-rate) and delta PSNR between two rate-distortion curves.

BD-rate(test, anchor) is the average relative rate difference of `test` against `anchor` at equal
quality: log-rate is interpolated as a function of PSNR for both curves, the difference is averaged
over the PSNR interval the two curves share, and exp(mean difference) - 1 is reported (as a fraction;
multiply by 100 for %). Negative = the test codec needs fewer bits than the anchor.

Two interpolations:
  "pchip"  (DEFAULT) piecewise cubic Hermite interpolation with Fritsch-Carlson (monotone) slopes,
           integrated exactly. This is the newer VCEG/JVET practice (the piecewise-cubic variant of the
           common-test-condition spreadsheets): it passes through every point and does not overshoot,
           so curves with many points and a wide range (JPEG, our sweeps) are handled safely.
  "cubic"  the original Bjontegaard method (VCEG-M33, 2001): one least-squares cubic polynomial of
           log-rate in PSNR per curve (with exactly 4 points it interpolates them), integrated over the
           shared interval. Kept because many papers report it; with 4-8 well-behaved points the two
           usually agree within a few tenths of a percent.

Restricting to a rate range (e.g. 0.1-0.5 bpp): the PSNR interval is narrowed to the PSNR the *anchor*
reaches at the range's ends (interpolated linearly in log-rate between the anchor's points, and
clamped to its measured range), intersected with the shared interval. So "X vs anchor in 0.1-0.5 bpp"
averages over the qualities at which the anchor spends 0.1-0.5 bpp.

Both methods need at least 4 points on each curve (as the original method does); fewer raises
ValueError. Points are sorted by PSNR, which must strictly increase with rate.
"""
import math

import numpy as np

DEFAULT_METHOD = "pchip"
METHODS = ("pchip", "cubic")
MIN_POINTS = 4


def _curve(rates, psnrs):
    r = np.asarray(rates, dtype=np.float64)
    p = np.asarray(psnrs, dtype=np.float64)
    if r.shape != p.shape or r.ndim != 1:
        raise ValueError("rates and psnrs must be 1-D and of equal length")
    if len(r) < MIN_POINTS:
        raise ValueError(f"BD needs at least {MIN_POINTS} points per curve, got {len(r)}")
    if np.any(r <= 0) or not np.all(np.isfinite(r)) or not np.all(np.isfinite(p)):
        raise ValueError("rates must be positive and all values finite")
    order = np.argsort(p)
    r, p = r[order], p[order]
    if np.any(np.diff(p) <= 0):
        raise ValueError("PSNR values must be distinct")
    if np.any(np.diff(r) <= 0):
        raise ValueError("rate must increase with PSNR (not a rate-distortion curve)")
    return np.log(r), p


# ---------------------------------------------------------------- piecewise cubic Hermite (PCHIP)

def pchip_slopes(x, y):
    """Fritsch-Carlson slopes as in MATLAB's pchip / scipy's PchipInterpolator."""
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    h = np.diff(x)
    s = np.diff(y) / h
    n = len(x)
    d = np.zeros(n)
    if n == 2:
        d[:] = s[0]
        return d
    for k in range(1, n - 1):
        if s[k - 1] * s[k] > 0:
            w1, w2 = 2 * h[k] + h[k - 1], h[k] + 2 * h[k - 1]
            d[k] = (w1 + w2) / (w1 / s[k - 1] + w2 / s[k])
    d[0] = _end_slope(h[0], h[1], s[0], s[1])
    d[-1] = _end_slope(h[-1], h[-2], s[-1], s[-2])
    return d


def _end_slope(h0, h1, s0, s1):
    d = ((2 * h0 + h1) * s0 - h0 * s1) / (h0 + h1)
    if np.sign(d) != np.sign(s0):
        return 0.0
    if np.sign(s0) != np.sign(s1) and abs(d) > abs(3 * s0):
        return 3 * s0
    return d


def _segment_coeffs(x, y, d):
    """Per segment k: y(x_k + t) = c0 + c1 t + c2 t^2 + c3 t^3."""
    h = np.diff(x)
    s = np.diff(y) / h
    c0, c1 = y[:-1], d[:-1]
    c2 = (3 * s - 2 * d[:-1] - d[1:]) / h
    c3 = (d[:-1] + d[1:] - 2 * s) / (h * h)
    return c0, c1, c2, c3


def pchip_eval(x, y, xq):
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    c0, c1, c2, c3 = _segment_coeffs(x, y, pchip_slopes(x, y))
    xq = np.asarray(xq, np.float64)
    k = np.clip(np.searchsorted(x, xq, side="right") - 1, 0, len(x) - 2)
    t = xq - x[k]
    return c0[k] + t * (c1[k] + t * (c2[k] + t * c3[k]))


def pchip_integral(x, y, lo, hi):
    """Exact integral over [lo, hi] (inside [x0, xn]) of the PCHIP interpolant of (x, y)."""
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    c0, c1, c2, c3 = _segment_coeffs(x, y, pchip_slopes(x, y))
    total = 0.0
    for k in range(len(x) - 1):
        a, b = max(lo, x[k]), min(hi, x[k + 1])
        if b <= a:
            continue
        ta, tb = a - x[k], b - x[k]
        prim = lambda t: t * (c0[k] + t * (c1[k] / 2 + t * (c2[k] / 3 + t * c3[k] / 4)))  # noqa: E731
        total += prim(tb) - prim(ta)
    return total


# ---------------------------------------------------------------- BD metrics

def _integral(method, x, y, lo, hi):
    if method == "pchip":
        return pchip_integral(x, y, lo, hi)
    if method == "cubic":
        poly = np.polyint(np.polyfit(x, y, 3))
        return np.polyval(poly, hi) - np.polyval(poly, lo)
    raise ValueError(f"method must be one of {METHODS}")


def psnr_interval(anchor, test, rate_range=None):
    """(lo, hi) PSNR interval the BD average runs over, or None when it is empty."""
    la, pa = anchor
    lt, pt = test
    lo, hi = max(pa[0], pt[0]), min(pa[-1], pt[-1])
    if rate_range is not None:
        r0, r1 = rate_range
        lo = max(lo, float(np.interp(math.log(r0), la, pa)))
        hi = min(hi, float(np.interp(math.log(r1), la, pa)))
    return (lo, hi) if hi > lo else None


def bd_rate(anchor_rates, anchor_psnrs, test_rates, test_psnrs, method=DEFAULT_METHOD, rate_range=None,
            details=False):
    """BD-rate of test vs anchor as a fraction (-0.2 = test needs 20 % fewer bits); None when the
    curves share no PSNR interval (inside rate_range, when given). details=True returns a dict."""
    anchor = _curve(anchor_rates, anchor_psnrs)
    test = _curve(test_rates, test_psnrs)
    iv = psnr_interval(anchor, test, rate_range)
    if iv is None:
        return {"bd_rate": None, "psnr_interval": None, "method": method} if details else None
    lo, hi = iv
    diff = (_integral(method, test[1], test[0], lo, hi) - _integral(method, anchor[1], anchor[0], lo, hi)) / (hi - lo)
    value = float(math.exp(diff) - 1)
    return {"bd_rate": value, "psnr_interval": [lo, hi], "method": method} if details else value


def bd_psnr(anchor_rates, anchor_psnrs, test_rates, test_psnrs, method=DEFAULT_METHOD):
    """Average PSNR difference (dB) of test minus anchor over the shared log-rate interval."""
    la, pa = _curve(anchor_rates, anchor_psnrs)
    lt, pt = _curve(test_rates, test_psnrs)
    lo, hi = max(la[0], lt[0]), min(la[-1], lt[-1])
    if hi <= lo:
        return None
    return float((_integral(method, lt, pt, lo, hi) - _integral(method, la, pa, lo, hi)) / (hi - lo))


# ---------------------------------------------------------------- one-point comparisons

def psnr_at_rate(rates, psnrs, rate):
    """PSNR of a curve at `rate` (PCHIP of PSNR over log-rate); None outside the curve's rate range."""
    r = np.asarray(rates, np.float64)
    p = np.asarray(psnrs, np.float64)
    order = np.argsort(r)
    r, p = r[order], p[order]
    if not r[0] <= rate <= r[-1]:
        return None
    return float(pchip_eval(np.log(r), p, math.log(rate)))


def rate_at_psnr(rates, psnrs, psnr):
    """Rate of a curve at `psnr` (PCHIP of log-rate over PSNR); None outside the curve's PSNR range."""
    r = np.asarray(rates, np.float64)
    p = np.asarray(psnrs, np.float64)
    order = np.argsort(p)
    r, p = r[order], p[order]
    if not p[0] <= psnr <= p[-1]:
        return None
    return float(math.exp(pchip_eval(p, np.log(r), psnr)))
