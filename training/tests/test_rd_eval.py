"""Pieces of the RD evaluation (lic.rd_eval): tool output parsing, reference data, analysis, plot.
The full Kodak run itself is not a test (minutes); see docs/rd/README.md."""
import os
import shutil

import numpy as np
import pytest

from lic import baselines, rd_eval
from lic.reference_points import REFERENCE_CURVES


def test_parse_versions():
    assert baselines.parse_version("jpeg", "libjpeg-turbo version 2.1.5 (build 20230203)\n") == "libjpeg-turbo 2.1.5"
    assert baselines.parse_version("webp", "1.2.4\n") == "libwebp 1.2.4"
    avif = ("Version: 0.11.1 (dav1d [dec]:1.0.0, libgav1 [dec]:0.18.0, aom [enc/dec]:v3.6.0, "
            "rav1e [enc]:0.5.1 (v0.5.1), svt [enc]:v1.4.1)\nlibyuv : available (1857)\n")
    assert baselines.parse_version("avif", avif) == "libavif 0.11.1 (aom v3.6.0)"
    assert baselines.parse_version("avif", "garbage") is None
    assert baselines.parse_version("jpeg", "") is None


def test_read_ppm(tmp_path):
    img = np.arange(5 * 4 * 3, dtype=np.uint8).reshape(5, 4, 3)
    p = tmp_path / "a.ppm"
    p.write_bytes(b"P6\n# a comment\n4 5\n255\n" + img.tobytes())
    assert np.array_equal(baselines.read_ppm(str(p)), img)
    p.write_bytes(b"P6\n4 5\n255\n" + img.tobytes()[:-1])
    with pytest.raises(ValueError, match="truncated"):
        baselines.read_ppm(str(p))
    p.write_bytes(b"P6\n4 5\n65535\n" + img.tobytes() * 2)
    with pytest.raises(ValueError, match="maxval"):
        baselines.read_ppm(str(p))
    p.write_bytes(b"P5\n4 5\n255\n" + img.tobytes())
    with pytest.raises(ValueError, match="P6"):
        baselines.read_ppm(str(p))


def test_commands_follow_the_protocol():
    enc, dec = baselines.CODECS["avif"].commands("in.png", "in.ppm", "o.avif", "o.png", 40)
    assert enc[:3] == ["avifenc", "-c", "aom"] and "-s" in enc and enc[enc.index("-s") + 1] == "6"
    assert enc[enc.index("-y") + 1] == "444" and enc[enc.index("--min") + 1] == "40"
    enc, _ = baselines.CODECS["webp"].commands("in.png", "in.ppm", "o.webp", "o.ppm", 75)
    assert enc[enc.index("-m") + 1] == "6" and enc[enc.index("-q") + 1] == "75"
    enc, dec = baselines.CODECS["jpeg"].commands("in.png", "in.ppm", "o.jpg", "o.ppm", 50)
    assert enc[0] == "cjpeg" and enc[-1] == "in.ppm" and dec[:2] == ["djpeg", "-ppm"]


def test_missing_tools_are_skipped_with_a_message(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    msgs = []
    curves, skipped = rd_eval.measure_baselines(["jpeg", "webp", "avif"], {}, [], {}, log=msgs.append)
    assert curves == {} and set(skipped) == {"jpeg", "webp", "avif"}
    assert all(m.startswith("[skip]") and "apt-get install" in m for m in msgs)


@pytest.mark.parametrize("codec", ["jpeg", "webp", "avif"])
def test_real_tool_round_trip(codec, tmp_path):
    c = baselines.CODECS[codec]
    if c.missing_tools():
        pytest.skip(f"{codec} tools not installed")
    from PIL import Image
    rng = np.random.default_rng(0)
    img = np.clip(128 + rng.normal(0, 30, (64, 80, 3)), 0, 255).astype(np.uint8)
    Image.fromarray(img).save(tmp_path / "x.png")
    Image.fromarray(img).save(tmp_path / "x.ppm")
    q = {"jpeg": 75, "webp": 75, "avif": 30}[codec]
    size, out = baselines.run_point(c, str(tmp_path / "x.png"), str(tmp_path / "x.ppm"), q, str(tmp_path))
    assert out.shape == img.shape and out.dtype == np.uint8 and size > 100
    assert np.abs(out.astype(int) - img).mean() < 30
    assert c.version() is not None


def test_reference_points_sane():
    assert set(REFERENCE_CURVES) == {"compressai-bmshj2018-hyperprior", "compressai-mbt2018-mean"}
    for c in REFERENCE_CURVES.values():
        assert c["source"]["repo"] == "InterDigitalInc/CompressAI" and len(c["source"]["commit"]) == 40
        assert c["source"]["path"].startswith("results/image/kodak/")
        assert c["quality"] == list(range(1, 9))
        for key in ("bpp", "psnr", "ms_ssim"):
            v = np.array(c[key])
            assert len(v) == 8 and np.all(np.diff(v) > 0), key
        assert 0.1 < c["bpp"][0] < 0.15 and 1.5 < c["bpp"][-1] < 1.7
        assert 27 < c["psnr"][0] < 28 and 40 < c["psnr"][-1] < 41
        assert 0.9 < c["ms_ssim"][0] and c["ms_ssim"][-1] < 1
    # mbt2018-mean (mean-scale) beats bmshj2018-hyperprior (scale only) at every quality
    a, b = REFERENCE_CURVES["compressai-mbt2018-mean"], REFERENCE_CURVES["compressai-bmshj2018-hyperprior"]
    assert all(x < y for x, y in zip(a["bpp"], b["bpp"]))


def _curve(kind, rates, psnrs):
    return {"kind": kind, "label": kind, "points": [{"param": str(i), "bpp": r, "psnr": p, "ms_ssim": 0.9}
                                                    for i, (r, p) in enumerate(zip(rates, psnrs))]}


def test_analysis_and_summary(tmp_path):
    curves = rd_eval.reference_curves()
    ref = curves["compressai-mbt2018-mean"]
    rates = [p["bpp"] for p in ref["points"]]
    psnrs = [p["psnr"] for p in ref["points"]]
    curves["webp"] = _curve("measured", [1.5 * r for r in rates], psnrs)
    curves["ours"] = _curve("ours", [0.3], [30.0])
    curves["ours"]["points"][0].update({"codec_id": "ab" * 32, "step": 1})
    recs = rd_eval.bd_table(curves, ["ours", "webp"], ["webp", "compressai-mbt2018-mean"], (0.1, 0.5))
    assert not [r for r in recs if r["test"] == "ours"]                  # one point: no BD-rate
    r = [r for r in recs if r["test"] == "webp" and r["anchor"] == "compressai-mbt2018-mean"]
    assert len(r) == 4 and all(abs(x["bd_rate"] - 0.5) < 1e-12 for x in r)
    gaps = rd_eval.one_point_gaps(curves, ["ours"], ["webp", "compressai-mbt2018-mean"])
    g = {x["vs"]: x for x in gaps}
    assert g["compressai-mbt2018-mean"]["psnr_gap_db"] < 0            # 30 dB at 0.3 bpp is below mbt
    assert g["compressai-mbt2018-mean"]["rate_diff_at_our_psnr"] > 0
    result = {"curves": curves, "bd_rate": recs, "one_point": gaps}
    text = rd_eval.summary_text(result, (0.1, 0.5))
    assert "n/a, 1 point" in text and "+50.0%" in text
    pytest.importorskip("matplotlib")
    rd_eval.plot(curves, str(tmp_path / "rd.png"), 24)
    assert (tmp_path / "rd.png").stat().st_size > 10000
