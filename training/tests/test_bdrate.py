import math

import numpy as np
import pytest

from lic import bdrate

RATES = [0.12, 0.2, 0.31, 0.46, 0.66, 0.91, 1.23]
PSNRS = [27.7, 29.4, 31.1, 33.0, 35.0, 36.9, 38.8]


@pytest.mark.parametrize("method", bdrate.METHODS)
def test_scaled_rate_is_exactly_minus_20_percent(method):
    test_rates = [0.8 * r for r in RATES]
    assert bdrate.bd_rate(RATES, PSNRS, test_rates, PSNRS, method=method) == pytest.approx(-0.2, abs=1e-12)
    assert bdrate.bd_rate(test_rates, PSNRS, RATES, PSNRS, method=method) == pytest.approx(0.25, abs=1e-12)
    # also inside a rate range
    assert bdrate.bd_rate(RATES, PSNRS, test_rates, PSNRS, method=method,
                          rate_range=(0.1, 0.5)) == pytest.approx(-0.2, abs=1e-12)


def _linear_curve(a, b, psnrs):
    """log(rate) = a + b * psnr."""
    return [math.exp(a + b * p) for p in psnrs]


@pytest.mark.parametrize("method", bdrate.METHODS)
def test_log_linear_curves_known_answer(method):
    pa = np.linspace(26, 40, 6)
    pt = np.linspace(25, 38, 5)
    ra = _linear_curve(-10.0, 0.3, pa)
    rt = _linear_curve(-8.4, 0.25, pt)
    lo, hi = 26.0, 38.0                           # shared PSNR interval
    mean_diff = 1.6 - 0.05 * (lo + hi) / 2        # mean of (-8.4 + .25p) - (-10 + .3p) over [lo, hi]
    d = bdrate.bd_rate(ra, pa, rt, pt, method=method, details=True)
    assert d["psnr_interval"] == pytest.approx([lo, hi])
    assert d["bd_rate"] == pytest.approx(math.exp(mean_diff) - 1, abs=1e-9)
    # restricted to 0.1-0.5 bpp of the anchor: PSNR where the anchor spends 0.1 and 0.5 bpp
    p0, p1 = (math.log(0.1) + 10) / 0.3, (math.log(0.5) + 10) / 0.3
    d = bdrate.bd_rate(ra, pa, rt, pt, method=method, rate_range=(0.1, 0.5), details=True)
    assert d["psnr_interval"] == pytest.approx([max(lo, p0), min(hi, p1)])
    mean_diff = 1.6 - 0.05 * (max(lo, p0) + min(hi, p1)) / 2
    assert d["bd_rate"] == pytest.approx(math.exp(mean_diff) - 1, abs=1e-9)


def test_bd_psnr_of_shifted_curve():
    assert bdrate.bd_psnr(RATES, PSNRS, RATES, [p + 0.5 for p in PSNRS]) == pytest.approx(0.5, abs=1e-12)


def test_errors_and_no_overlap():
    with pytest.raises(ValueError):
        bdrate.bd_rate(RATES[:3], PSNRS[:3], RATES, PSNRS)
    with pytest.raises(ValueError):                       # PSNR falls as rate rises
        bdrate.bd_rate(RATES, PSNRS[::-1], RATES, PSNRS)
    far = [p + 20 for p in PSNRS]
    assert bdrate.bd_rate(RATES, PSNRS, RATES, far) is None
    assert bdrate.bd_rate(RATES, PSNRS, RATES, PSNRS, rate_range=(2.0, 3.0)) is None


def test_pchip_interpolates_points_and_matches_scipy():
    x = np.array(PSNRS)
    y = np.log(RATES) + np.array([0, 0.05, -0.02, 0.04, 0, 0.03, -0.01])   # a bumpy curve
    assert bdrate.pchip_eval(x, y, x) == pytest.approx(y, abs=1e-12)
    xq = np.linspace(x[0], x[-1], 57)
    scipy_interp = pytest.importorskip("scipy.interpolate")
    ref = scipy_interp.PchipInterpolator(x, y)
    assert bdrate.pchip_eval(x, y, xq) == pytest.approx(ref(xq), abs=1e-12)
    assert bdrate.pchip_integral(x, y, 28.0, 37.5) == pytest.approx(ref.integrate(28.0, 37.5), abs=1e-12)


def test_one_point_helpers():
    assert bdrate.psnr_at_rate(RATES, PSNRS, 0.31) == pytest.approx(31.1)
    assert bdrate.rate_at_psnr(RATES, PSNRS, 33.0) == pytest.approx(0.46)
    assert bdrate.psnr_at_rate(RATES, PSNRS, 0.01) is None
    assert bdrate.rate_at_psnr(RATES, PSNRS, 50) is None
    p = bdrate.psnr_at_rate(RATES, PSNRS, 0.4)
    assert 31.1 < p < 33.0
    assert bdrate.rate_at_psnr(RATES, PSNRS, p) == pytest.approx(0.4, rel=1e-3)   # PCHIP both ways: near-inverse
