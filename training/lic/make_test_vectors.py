"""Regenerate the test vectors in testvectors/ (documented in testvectors/README.md).

    cd training && /usr/bin/python3 -m lic.make_test_vectors

rans/     coder-level vectors (tables, symbols, indexes -> exact bytes; bad streams and bad tables)
hyper/    integer hyper-synthesis of the test pack: z_hat -> scale_q, mean_q (exact values)
python/   bitstreams of the Python reference encoder with the test pack + <name>.expect.json
python-vr/       the same for the variable-rate test pack (pack-vr/), at every rate index
python-shipped/  the shipped variable-rate pack on a Kodak crop at every rate, with the reference PSNR
invalid/, invalid-vr/  broken bitstreams + index.json (file -> expected error kind)

Images are synthetic, generated here from fixed seeds; no dataset image is stored.
"""
import hashlib
import json
import os
import struct
import zlib

import numpy as np

from . import rans
from .codec import Encoder, Latents, decode_latents, encode_latents, hyper_params, padded_size
from .errors import LicError
from .model import Y_STRIDE, Z_STRIDE
from .pack import load_codec_pack

REPO = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
TV = os.path.join(REPO, "testvectors")
PACK = os.path.join(TV, "pack")
PACK_VR = os.path.join(TV, "pack-vr")
I32_MIN, I32_MAX = -(1 << 31), (1 << 31) - 1

# (name, kind, width, height, seed)
IMAGES = [("gradient_64x64", "gradient", 64, 64, 1), ("texture_100x70", "texture", 100, 70, 2),
          ("blocks_130x200", "blocks", 130, 200, 3), ("tiny_1x1", "texture", 1, 1, 4)]
# The variable-rate test pack: these images at every rate index.
IMAGES_VR = [IMAGES[0], IMAGES[1]]


def synthetic_image(kind, width, height, seed):
    """uint8 [height, width, 3]: smooth gradient, sinusoid texture + noise, or random blocks + noise."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float64) / 64.0
    if kind == "gradient":
        img = np.stack([60 + 120 * xx / max(1, width / 64), 200 - 100 * yy / max(1, height / 64),
                        128 + 40 * np.sin(3 * xx + 2 * yy)], -1)
    elif kind == "texture":
        img = np.stack([128 + 90 * np.sin(7 * xx + c) * np.cos(5 * yy - c) for c in (0.0, 1.0, 2.0)], -1)
        img += rng.normal(0, 12, img.shape)
    elif kind == "blocks":
        img = np.zeros((height, width, 3))
        for _ in range(12):
            x0, y0 = rng.integers(0, width), rng.integers(0, height)
            img[y0:y0 + rng.integers(8, 80), x0:x0 + rng.integers(8, 80)] = rng.integers(0, 256, 3)
        img += rng.normal(0, 4, img.shape)
    else:
        raise ValueError(kind)
    return np.clip(np.floor(img + 0.5), 0, 255).astype(np.uint8)


def digest(a):
    """Shape and SHA-256 of the little-endian int32 bytes of a channel-major array."""
    a = np.ascontiguousarray(a, dtype="<i4")
    return {"shape": list(a.shape), "sha256": hashlib.sha256(a.tobytes()).hexdigest()}


def float_digest(a):
    """Shape and SHA-256 of the little-endian float32 bytes of a channel-major array."""
    a = np.ascontiguousarray(a, dtype="<f4")
    return {"shape": list(a.shape), "sha256": hashlib.sha256(a.tobytes()).hexdigest()}


def expect(data, bs, lat, name, source, adaptor_input=None):
    e = {"bitstream": name + ".lic", "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
         "width": bs.width, "height": bs.height, "rate_index": bs.rate_index, "codec_id": bs.codec_id_hex,
         "latents": {k: digest(v) for k, v in lat.arrays().items()}, "source": source}
    if adaptor_input is not None:
        e["adaptor_input"] = float_digest(adaptor_input)
    return e


SHIPPED_VR = os.path.join(REPO, "codec-core", "src", "main", "resources", "lic", "packs", "codec", "hyperprior-vr")
SHIPPED_VR_CHECKPOINT = os.path.join(REPO, "training", "checkpoints", "hyperprior-vr.pt")
KODAK = os.path.normpath(os.path.join(REPO, "..", "shared", "data", "kodak"))
# A 256x192 crop of kodim23 (x, y, w, h): the image itself is not stored, only its bitstreams.
SHIPPED_CROP = ("kodim23.png", 256, 128, 256, 192)


def shipped_vr_vectors(load_model):
    """python-shipped/: the shipped variable-rate pack on a Kodak crop at every rate, with the PSNR of the
    Python reference decode (torch g_s from the checkpoint the pack was exported from), so that the Java
    decoder (ONNX Runtime) can be checked for the same latents, the same adaptor input and the same PSNR."""
    from .codec import adaptor_input, synthesize
    from .data import load_rgb
    from .evaluate import psnr
    pack = load_codec_pack(SHIPPED_VR)
    model, _ = load_model(SHIPPED_VR_CHECKPOINT)
    name, x0, y0, w, h = SHIPPED_CROP
    img = np.asarray(load_rgb(os.path.join(KODAK, name)), dtype=np.uint8)[y0:y0 + h, x0:x0 + w]
    enc = Encoder(model, pack)
    out = os.path.join(TV, "python-shipped")
    for r in sorted(pack.rate_indexes):
        data = enc.encode(img, rate_index=r)
        bs, lat, _ = decode_latents(pack, data)
        y_dec = adaptor_input(pack, bs, lat)
        vname = f"kodim23_crop_r{r}"
        e = expect(data, bs, lat, vname, f"python reference encoder, shipped pack, rate {r}", y_dec)
        e["crop"] = {"image": name, "x": x0, "y": y0, "width": w, "height": h}
        e["psnr"] = round(psnr(img, synthesize(model, y_dec, w, h)), 4)
        _write(os.path.join(out, vname + ".lic"), data)
        _write(os.path.join(out, vname + ".expect.json"), e)


def vr_vectors(load_model):
    """python-vr/: the variable-rate test pack's bitstreams at every rate index, with the digest of the
    adaptor input y_hat * inv_gain[rate] (float32, docs/bitstream.md step 5); invalid-vr/: a rate index
    past the pack's rates."""
    from .codec import adaptor_input
    pack = load_codec_pack(os.path.join(PACK_VR, "codec"))
    model, _ = load_model(os.path.join(PACK_VR, "checkpoint.pt"))
    enc = Encoder(model, pack)
    out = os.path.join(TV, "python-vr")
    for name, kind, w, h, seed in IMAGES_VR:
        img = synthetic_image(kind, w, h, seed)
        for r in sorted(pack.rate_indexes):
            data = enc.encode(img, rate_index=r)
            bs, lat, _ = decode_latents(pack, data)
            vname = f"{name}_r{r}"
            _write(os.path.join(out, vname + ".lic"), data)
            _write(os.path.join(out, vname + ".expect.json"),
                   expect(data, bs, lat, vname, f"python reference encoder, rate {r}, "
                          f"lic.make_test_vectors.synthetic_image({kind!r}, {w}, {h}, {seed})",
                          adaptor_input(pack, bs, lat)))
    with open(os.path.join(out, f"{IMAGES_VR[0][0]}_r0.lic"), "rb") as f:
        base = f.read()
    bad = patch(base, 6, bytes([pack.gains.rates]))
    try:
        decode_latents(pack, bad)
        raise AssertionError("a rate index past the pack's rates decodes")
    except LicError as e:
        assert e.kind == "UNKNOWN_CODEC", e
    _write(os.path.join(TV, "invalid-vr", f"rate_index_{pack.gains.rates}.lic"), bad)
    _write(os.path.join(TV, "invalid-vr", "index.json"), {f"rate_index_{pack.gains.rates}.lic": "UNKNOWN_CODEC"})


def _write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if isinstance(data, dict):      # one line per top-level key: readable diffs, compact arrays
        with open(path, "w", encoding="utf-8") as f:
            f.write("{\n" + ",\n".join(f" {json.dumps(k)}: {json.dumps(v)}" for k, v in data.items()) + "\n}\n")
    else:
        with open(path, "wb") as f:
            f.write(data)


# ---------------------------------------------------------------- rans/

def _cdf(freqs):
    return [0] + np.cumsum(freqs).tolist()


def rans_vectors():
    rng = np.random.default_rng(7)
    t_small = {"cdfs": [_cdf([65535, 1]),                           # size 3: value 0 or the escape
                        _cdf([30000, 20000, 10000, 5000, 536]),      # size 6
                        _cdf([1, 1, 65000, 530, 1, 1, 1, 1])],       # frequency-1 symbols
               "offsets": [0, -2, 100]}
    big = rng.integers(1, 400, 40).astype(np.float64)
    big = np.maximum(1, np.floor(big / big.sum() * 65536)).astype(np.int64)
    big[np.argmax(big)] += 65536 - big.sum()
    t_rand = {"cdfs": [_cdf(big.tolist()), _cdf([60000, 5535, 1])], "offsets": [-20, I32_MIN]}
    n = 400
    valid = {
        "empty": (t_small, [], []),
        "in_range": (t_small, [0, -2, 0, 1, 2, 100, 102, 105, -1, 0], [0, 1, 0, 1, 1, 2, 2, 2, 1, 1]),
        "escape_below_and_above": (t_small, [-1, 1, 5, -3, 3, 90, 107, 10 ** 6, -10 ** 6],
                                   [0, 0, 0, 1, 1, 2, 2, 2, 2]),
        "escape_raw_zero": (t_small, [1, 3, 106, 1], [0, 1, 2, 0]),      # value == maxValue exactly
        "int32_extremes": (t_small, [I32_MIN, I32_MAX, I32_MIN, I32_MAX, I32_MAX, I32_MIN],
                           [0, 0, 2, 2, 1, 1]),
        "offset_int32_min": (t_rand, [I32_MIN, I32_MIN + 1, I32_MIN + 2, I32_MAX, -5], [1, 1, 1, 1, 1]),
        "random_400": (t_rand, (rng.integers(-25, 25, n)).tolist(), [0] * n),
    }
    out = {}
    for name, (t, sym, idx) in valid.items():
        data = rans.encode(sym, idx, t["cdfs"], None, t["offsets"])
        assert rans.decode(data, idx, t["cdfs"], None, t["offsets"]).tolist() == list(sym)
        out[name] = {"cdfs": t["cdfs"], "cdf_sizes": [len(c) for c in t["cdfs"]], "offsets": t["offsets"],
                     "symbols": [int(s) for s in sym], "indexes": [int(i) for i in idx], "hex": data.hex()}

    def esc_ops(chunks):  # the escape of table 0 (start 65535, freq 1), then the given 4-bit ops
        return rans.encode_ops([65535] + chunks, [1] + [1] * len(chunks), [16] + [4] * len(chunks))

    good = bytes.fromhex(out["in_range"]["hex"])
    idx_in = out["in_range"]["indexes"]
    bad = {
        "odd_length": (good[:-1], idx_in),
        "too_short": (good[:2], []),
        "empty_bytes": (b"", []),
        "initial_state_not_L": (bytes(4), []),
        "extra_word": (good + b"\x00\x00", idx_in),
        "missing_word": (good[:-2], idx_in),
        "bit_flip": (good[:6] + bytes([good[6] ^ 0x10]) + good[7:], idx_in),
        "wrong_indexes": (good, [2] * len(idx_in)),
        "more_symbols_than_coded": (bytes.fromhex(out["empty"]["hex"]), [1, 1, 1]),
        "escape_10_chunks": (esc_ops([10] + [1] * 10), [0]),
        "escape_count_15": (esc_ops([15, 0] + [1] * 15), [0]),
        "escape_outside_int32": (esc_ops([9] + [15] * 9), [0]),
    }
    invalid = {}
    for name, (data, idx) in bad.items():
        try:
            rans.decode(data, idx, t_small["cdfs"], None, t_small["offsets"])
            raise AssertionError(f"rans vector {name} decodes")
        except rans.CorruptStream:
            pass
        invalid[name] = {"hex": data.hex(), "indexes": idx, "error": "CORRUPT_BITSTREAM"}
    bad_tables = {
        "size_2": [0, 65536],
        "first_not_zero": [1, 30000, 65536],
        "last_not_65536": [0, 30000, 65535],
        "zero_frequency": [0, 30000, 30000, 65536],
        "decreasing": [0, 40000, 30000, 65536],
        "last_over_65536": [0, 30000, 65537],
    }
    for name, cdf in bad_tables.items():
        try:
            rans.CdfTables([cdf], None, [0])
            raise AssertionError(f"table {name} accepted")
        except rans.InvalidTables:
            pass
    return {"tables_small": t_small, "valid": out, "invalid_streams": invalid,
            "invalid_tables": {k: {"cdf": v, "error": "INVALID_TABLES"} for k, v in bad_tables.items()}}


# ---------------------------------------------------------------- hyper/

def hyper_vectors(pack):
    rng = np.random.default_rng(11)
    n = pack.net.N
    cases = {
        "zeros_1x1": np.zeros((n, 1, 1), np.int64),
        "small_2x3": rng.integers(-4, 5, (n, 2, 3)),
        "beyond_clamp_3x2": rng.choice([-100000, -256, -255, 255, 256, 100000, -3, 7], (n, 3, 2)),
    }
    out = {}
    for name, z in cases.items():
        k, m, s = hyper_params(pack, z)
        out[name] = {"codec_id": pack.codec_id,
                     "z_hat": {"shape": list(z.shape), "values": z.reshape(-1).tolist()},
                     "scale_q": {"shape": list(s.shape), "values": s.reshape(-1).tolist()},
                     "mean_q": {"shape": list(m.shape), "values": m.reshape(-1).tolist()},
                     "scale_index": {"shape": list(k.shape), "values": k.reshape(-1).tolist()}}
    return out


# ---------------------------------------------------------------- python/ and invalid/

def extreme_latents(pack, width, height, seed=5):
    """Hand-made latents with escapes in both sections, int32 extremes and z beyond the h_s clamp."""
    rng = np.random.default_rng(seed)
    wp, hp = padded_size(width, height)
    z = rng.integers(-3, 4, (pack.net.N, hp // Z_STRIDE, wp // Z_STRIDE)).astype(np.int64)
    flat = z.reshape(-1)
    for c, (off, cdf) in enumerate(pack.tables.z):
        # lowest and highest direct value, escape below (raw 1), escape at maxValue (raw 0)
        edges = [off, off + len(cdf) - 3, off - 1, off + len(cdf) - 2]
        flat[c * z[0].size + 1] = edges[c % 4]
    flat[:6] = [I32_MIN, I32_MAX, 1000, -1000, 300, -300]
    k, mean_q, _ = hyper_params(pack, z)
    q = rng.integers(-2, 3, k.shape).astype(np.int64)
    qf = q.reshape(-1)
    qf[:8] = [I32_MIN, I32_MAX, 70000, -70000, 5000, -5000, 40, -40]
    return Latents(z.astype(np.int32), k, mean_q, q.astype(np.int32))


def recrc(b):
    b = bytes(b[:-4])
    return b + struct.pack("<I", zlib.crc32(b))


def patch(b, offset, new):
    return recrc(b[:offset] + new + b[offset + len(new):])


def invalid_vectors(base):
    lz, ly = struct.unpack_from("<II", base, 48)
    ys = 56 + lz
    mid = ys + ly // 2
    bad_y = base[:mid] + bytes([base[mid] ^ 0x5A, base[mid + 1] ^ 0xA5]) + base[mid + 2:]
    bad_z = base[:56 + 4] + bytes([base[60] ^ 0x33]) + base[61:]
    cut_y = base[:48] + struct.pack("<II", lz, ly - 2) + base[56:56 + lz + ly - 2] + base[-4:]
    return {
        "empty.lic": (b"", "INVALID_BITSTREAM", "zero bytes"),
        "short_header.lic": (base[:40], "INVALID_BITSTREAM", "40 bytes, less than the 60-byte minimum"),
        "bad_magic.lic": (patch(base, 0, b"LICX"), "INVALID_BITSTREAM", "magic LICX, CRC valid"),
        "version_2.lic": (patch(base, 4, b"\x02"), "UNSUPPORTED_VERSION", "format version 2, CRC valid"),
        "flags_nonzero.lic": (patch(base, 5, b"\x01"), "UNSUPPORTED_VERSION", "flags 0x01, CRC valid"),
        "reserved_nonzero.lic": (patch(base, 7, b"\x01"), "UNSUPPORTED_VERSION", "reserved byte 1, CRC valid"),
        "truncated.lic": (base[:-7], "CORRUPT_BITSTREAM", "last 7 bytes missing"),
        "trailing_byte.lic": (base + b"\x00", "CORRUPT_BITSTREAM", "one extra byte after the CRC"),
        "length_mismatch.lic": (patch(base, 52, struct.pack("<I", ly + 2)), "CORRUPT_BITSTREAM",
                                "Ly 2 larger than the bytes present (CRC over the real bytes)"),
        "crc_mismatch.lic": (base[:-1] + bytes([base[-1] ^ 1]), "CORRUPT_BITSTREAM", "CRC off by one bit"),
        "odd_section_length.lic": (patch(base, 48, struct.pack("<II", lz + 1, ly - 1)), "CORRUPT_BITSTREAM",
                                   "Lz odd (Lz+Ly unchanged), CRC valid"),
        "width_zero.lic": (patch(base, 40, struct.pack("<I", 0)), "CORRUPT_BITSTREAM", "width 0, CRC valid"),
        "geometry_mismatch.lic": (patch(base, 40, struct.pack("<I", 65)), "CORRUPT_BITSTREAM",
                                  "width 64 -> 65 (twice the latents), CRC valid: rANS runs out of words"),
        "y_corrupt_valid_crc.lic": (recrc(bad_y), "CORRUPT_BITSTREAM",
                                    "two bytes in the middle of the y section flipped, CRC recomputed: "
                                    "caught by the rANS integrity checks"),
        "z_corrupt_valid_crc.lic": (recrc(bad_z), "CORRUPT_BITSTREAM",
                                    "a byte of the z section flipped, CRC recomputed"),
        "y_section_cut_valid_crc.lic": (recrc(cut_y), "CORRUPT_BITSTREAM",
                                        "last word of the y section removed, Ly adjusted, CRC valid"),
        "unknown_codec.lic": (patch(base, 8, bytes(32)), "UNKNOWN_CODEC", "codec id all zeros, CRC valid"),
        "rate_index_1.lic": (patch(base, 6, b"\x01"), "UNKNOWN_CODEC", "rate index 1 (pack has only 0)"),
    }


def main():
    import torch
    from .train import load_model
    torch.set_num_threads(1)
    pack = load_codec_pack(os.path.join(PACK, "codec"))
    model, _ = load_model(os.path.join(PACK, "checkpoint.pt"))

    rv = rans_vectors()
    for group in ("valid", "invalid_streams"):
        for name, v in rv[group].items():
            _write(os.path.join(TV, "rans", group, name + ".json"),
                   {**v, **({} if group == "valid" else {k: rv["tables_small"][k] for k in ("cdfs", "offsets")}),
                    **({} if group == "valid" else {"cdf_sizes": [len(c) for c in rv["tables_small"]["cdfs"]]})})
    _write(os.path.join(TV, "rans", "invalid_tables.json"), rv["invalid_tables"])

    for name, v in hyper_vectors(pack).items():
        _write(os.path.join(TV, "hyper", name + ".json"), v)

    enc = Encoder(model, pack)
    for name, kind, w, h, seed in IMAGES:
        img = synthetic_image(kind, w, h, seed)
        data = enc.encode(img)
        bs, lat, _ = decode_latents(pack, data)
        _write(os.path.join(TV, "python", name + ".lic"), data)
        _write(os.path.join(TV, "python", name + ".expect.json"),
               expect(data, bs, lat, name, f"python reference encoder, "
                      f"lic.make_test_vectors.synthetic_image({kind!r}, {w}, {h}, {seed})"))
    w, h = 150, 90
    lat = extreme_latents(pack, w, h)
    data = encode_latents(pack, lat, w, h)
    bs, dec, _ = decode_latents(pack, data)
    assert all(np.array_equal(a, dec.arrays()[k]) for k, a in lat.arrays().items())
    _write(os.path.join(TV, "python", "extreme_latents_150x90.lic"), data)
    _write(os.path.join(TV, "python", "extreme_latents_150x90.expect.json"),
           expect(data, bs, lat, "extreme_latents_150x90",
                  "hand-made latents (lic.make_test_vectors.extreme_latents): escapes, int32 extremes"))

    with open(os.path.join(TV, "python", "gradient_64x64.lic"), "rb") as f:
        base = f.read()
    index = {}
    for fname, (data, kind, _) in invalid_vectors(base).items():
        try:
            decode_latents(pack, data)
            raise AssertionError(f"{fname} decodes")
        except LicError as e:
            assert e.kind == kind, (fname, e.kind, kind, e)
        _write(os.path.join(TV, "invalid", fname), data)
        index[fname] = kind
    _write(os.path.join(TV, "invalid", "index.json"), index)
    vr_vectors(load_model)
    if os.path.isdir(KODAK):
        shipped_vr_vectors(load_model)
    print("vectors written to", TV)


if __name__ == "__main__":
    main()
