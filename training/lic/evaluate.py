"""Rate-distortion evaluation with real bitstreams on the Kodak set.

    /usr/bin/python3 -m lic.evaluate --checkpoint runs/hyperprior-s/checkpoint.pt \\
        --pack ../codec-core/src/main/resources/lic/packs/codec/hyperprior-s --out runs/eval-kodak.json

For every image: encode with the reference encoder, decode with the pack alone (latents must match
the encoder's exactly), then g_s. Reported rates, all in bits per original pixel:
    bpp_real        bitstream bytes * 8 / pixels (header and CRC included)
    bpp_est_float   the float model in eval mode: -log2 of its z and y likelihoods
    bpp_est_int     the deployed parameters: y under N(0, s_k) around mean_q / 2^F (s_k the table scale
                    the integer h_s selected), z under the quantised z tables
    bpp_table       the exact code length of the quantised tables (what rANS achieves, minus ~8 bytes)
and PSNR (RGB, 8 bit, after clamping and rounding).
"""
import argparse
import json
import os
import time

import numpy as np
import torch

from . import rans, tables
from .codec import Encoder, adaptor_input, decode_latents, encode_latents, quantize_latents, synthesize
from .entropy import LIKELIHOOD_BOUND, gaussian_likelihood
from .data import list_images, load_rgb
from .pack import load_codec_pack
from .train import SHARED_DATA, load_model

DEFAULT_KODAK = os.path.join(SHARED_DATA, "kodak")


@torch.no_grad()
def float_estimate_bits(model, y, z):
    """-log2 likelihood (bits) of the float model in eval mode, from float y [M,h,w], z [N,h,w]."""
    y, z = torch.from_numpy(y)[None], torch.from_numpy(z)[None]
    z_hat = torch.round(z)
    z_lik = model.z_prior.likelihood(z_hat)
    scales, means = model.hyper_params(z_hat)
    y_hat = torch.round(y - means) + means
    y_lik = gaussian_likelihood(y_hat, scales, means)
    return float(-torch.log2(z_lik).sum()), float(-torch.log2(y_lik).sum())


def int_estimate_bits(pack, lat, scales=None):
    """(z bits under the quantised z tables, y bits under N(0, s_k) of the selected table scale)."""
    scales = tables.scale_table(levels=len(pack.tables.y)) if scales is None else scales
    z_bits = table_bits_z(pack, lat)
    p = tables.gaussian_likelihood_np(lat.q, scales[lat.scale_index])
    y_bits = float(-np.log2(np.maximum(p, LIKELIHOOD_BOUND)).sum())
    return z_bits, y_bits


def table_bits_z(pack, lat):
    idx = np.repeat(np.arange(lat.z_hat.shape[0]), lat.z_hat[0].size)
    return rans.ideal_bits(lat.z_hat.reshape(-1), idx, pack.tables.z_coder())


def table_bits_y(pack, lat):
    return rans.ideal_bits(lat.q.reshape(-1), lat.scale_index.reshape(-1), pack.tables.y_coder())


def psnr(a, b):
    mse = np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2)
    return float("inf") if mse == 0 else float(10 * np.log10(255.0 ** 2 / mse))


def evaluate_image(model, pack, image, return_recon=False, rate_index=None):
    """Real-bitstream round trip of one uint8 [H, W, 3] image -> dict (and the decoded image)."""
    enc = Encoder(model, pack)
    rate = enc.rate(rate_index)
    h, w = image.shape[:2]
    pixels = h * w
    t0 = time.time()
    y, z = enc.analyse(image, rate)
    lat = quantize_latents(pack, y, z)
    data = encode_latents(pack, lat, w, h, rate)
    t1 = time.time()
    bs, dec, _ = decode_latents(pack, data)
    for name, a in lat.arrays().items():
        if not np.array_equal(a, dec.arrays()[name]):
            raise AssertionError(f"decoded {name} differs from the encoder's")
    recon = synthesize(model, adaptor_input(pack, bs, dec), w, h)
    t2 = time.time()
    fz, fy = float_estimate_bits(model, y, z)
    iz, iy = int_estimate_bits(pack, lat)
    tz, ty = table_bits_z(pack, lat), table_bits_y(pack, lat)
    row = {
        "width": w, "height": h, "bytes": len(data),
        "bpp_real": len(data) * 8 / pixels,
        "bpp_est_float": (fz + fy) / pixels, "bpp_est_int": (iz + iy) / pixels, "bpp_table": (tz + ty) / pixels,
        "bpp_z_real": len(bs.z) * 8 / pixels, "bpp_z_est_float": fz / pixels,
        "psnr": psnr(image, recon), "encode_s": t1 - t0, "decode_s": t2 - t1,
    }
    return (row, recon) if return_recon else row


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--pack", required=True, help="codec pack folder exported from that checkpoint")
    ap.add_argument("--data", default=DEFAULT_KODAK)
    ap.add_argument("--limit", type=int, default=0, help="first N images only (0 = all)")
    ap.add_argument("--out", required=True, help="JSON report")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    model, ckpt = load_model(args.checkpoint)
    pack = load_codec_pack(args.pack)
    paths = list_images(args.data)
    if args.limit:
        paths = paths[:args.limit]
    rows = []
    for p in paths:
        image = np.asarray(load_rgb(p), dtype=np.uint8)
        r = {"image": os.path.basename(p), **evaluate_image(model, pack, image)}
        rows.append(r)
        print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in r.items()}), flush=True)
    keys = [k for k in rows[0] if k.startswith(("bpp", "psnr", "encode", "decode"))]
    mean = {k: float(np.mean([r[k] for r in rows])) for k in keys}
    summary = {
        "checkpoint": os.path.abspath(args.checkpoint), "step": ckpt.get("step"),
        "codec_id": pack.codec_id, "images": len(rows), "mean": mean,
        # The service requirement: real size within 1 % of the model's estimated rate, on average.
        "real_over_est_float": mean["bpp_real"] / mean["bpp_est_float"] - 1,
        "real_over_est_int": mean["bpp_real"] / mean["bpp_est_int"] - 1,
        "real_over_table": mean["bpp_real"] / mean["bpp_table"] - 1,
        "per_image": rows,
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")
    print(json.dumps({k: v for k, v in summary.items() if k != "per_image"}, indent=2))


if __name__ == "__main__":
    main()
