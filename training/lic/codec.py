"""Reference encoder and decoder (docs/bitstream.md).

Encoder: uint8 image -> edge-padded to multiples of 64 -> float g_a, h_a (torch) -> z_hat = floor(z+1/2)
         -> integer h_s (pack) -> scale index, mean_q -> q = floor(y - mean_q/2^F + 1/2) -> rANS -> container.
Decoder: container -> latents using only the codec pack's two binary files (no torch, no floats in
         anything that selects a CDF) -> y_hat = q + mean_q/2^F (-> * inv_gain[rate] for a variable-rate
         pack) -> float g_s (torch) when a model is given.
"""
from dataclasses import dataclass

import numpy as np
import torch

from . import bitstream, inthyper, rans
from .errors import CorruptBitstream, InvalidArgument, TooLarge, UnknownCodec
from .model import Y_STRIDE, Z_STRIDE
from .pack import CodecPack, load_codec_pack  # noqa: F401  (re-exported: the pack reader)

INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1


@dataclass
class Latents:
    """Everything the bitstream determines, all int32, channel-major [C, h, w]."""
    z_hat: np.ndarray
    scale_index: np.ndarray
    mean_q: np.ndarray
    q: np.ndarray

    def y_hat(self, frac_bits):
        """y_hat = q + mean_q / 2^F as float32 (one rounding of the exact sum)."""
        return (self.q.astype(np.float64) + self.mean_q.astype(np.float64) / (1 << frac_bits)).astype(np.float32)

    def arrays(self):
        return {"z_hat": self.z_hat, "scale_index": self.scale_index, "mean_q": self.mean_q, "q": self.q}


def padded_size(width, height):
    """(Wp, Hp): the next multiples of 64."""
    return -(-width // Z_STRIDE) * Z_STRIDE, -(-height // Z_STRIDE) * Z_STRIDE


def pad_image(image):
    """uint8 [H, W, 3] -> float32 tensor [1, 3, Hp, Wp] in [0, 1], padded right/bottom by edge replication."""
    image = np.asarray(image)
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        raise ValueError("image must be uint8 [H, W, 3]")
    h, w, _ = image.shape
    wp, hp = padded_size(w, h)
    a = np.pad(image, ((0, hp - h), (0, wp - w), (0, 0)), mode="edge")
    return torch.from_numpy(a.transpose(2, 0, 1).astype(np.float32) / 255.0)[None]


def hyper_params(pack, z_hat):
    """Integer h_s of the pack -> (scale_index, mean_q, scale_q)."""
    scale_q, mean_q = inthyper.run(pack.net, z_hat)
    return pack.tables.scale_index(scale_q), mean_q, scale_q


def quantize_latents(pack, y, z):
    """Float y [M, hy, wy], z [N, hz, wz] -> Latents, as the encoder chooses them."""
    z_hat = np.clip(np.floor(z.astype(np.float64) + 0.5), INT32_MIN, INT32_MAX).astype(np.int32)
    k, mean_q, _ = hyper_params(pack, z_hat)
    mu = mean_q.astype(np.float64) / (1 << pack.net.F)
    q = np.clip(np.floor(y.astype(np.float64) - mu + 0.5), INT32_MIN, INT32_MAX).astype(np.int32)
    return Latents(z_hat, k, mean_q, q)


def _z_indexes(shape):
    return np.repeat(np.arange(shape[0], dtype=np.int64), shape[1] * shape[2])


def encode_latents(pack, latents, width, height, rate_index=0):
    """Latents -> bitstream bytes (z then y section, each channel-major)."""
    zs = rans.encode(latents.z_hat.reshape(-1), _z_indexes(latents.z_hat.shape), pack.tables.z_coder())
    ys = rans.encode(latents.q.reshape(-1), latents.scale_index.reshape(-1), pack.tables.y_coder())
    return bitstream.write(pack.codec_id_bytes, width, height, zs, ys, rate_index)


class Encoder:
    """Float analysis transforms from a model + the integer parts of a codec pack. For a version 2
    (variable-rate) pack the analysis output is scaled by the rate's gain, as encoder.onnx does."""

    def __init__(self, model, pack):
        if model.N != pack.net.N or model.M != pack.net.M:
            raise ValueError("model and codec pack disagree on N, M")
        self.model, self.pack = model.eval(), pack

    def rate(self, rate_index):
        r = self.pack.default_rate if rate_index is None else rate_index
        if r not in self.pack.rate_indexes:
            raise InvalidArgument(f"rate index {r} is not in codec {self.pack.codec_id}")
        return r

    @torch.no_grad()
    def analyse(self, image, rate_index=None):
        """uint8 [H, W, 3] -> (y float32 [M, Hp/16, Wp/16], z float32 [N, Hp/64, Wp/64])."""
        x = pad_image(image)
        y = self.model.g_a(x)
        if self.pack.gains is not None:
            y = y * torch.from_numpy(self.pack.gains.gain[self.rate(rate_index)]).view(1, -1, 1, 1)
        z = self.model.h_a(y)
        return y[0].numpy(), z[0].numpy()

    def encode(self, image, return_latents=False, rate_index=None):
        r = self.rate(rate_index)
        h, w = np.asarray(image).shape[:2]
        y, z = self.analyse(image, r)
        lat = quantize_latents(self.pack, y, z)
        data = encode_latents(self.pack, lat, w, h, r)
        return (data, lat) if return_latents else data


def _select_pack(packs, bs):
    if isinstance(packs, CodecPack):
        packs = {packs.codec_id: packs}
    pack = packs.get(bs.codec_id_hex)
    if pack is None:
        raise UnknownCodec(f"unknown codec id {bs.codec_id_hex}")
    if bs.rate_index not in pack.rate_indexes:
        raise UnknownCodec(f"rate index {bs.rate_index} not in codec {bs.codec_id_hex}")
    return pack


def decode_latents(packs, data, max_pixels=None):
    """Bitstream -> (Bitstream header, Latents, pack). packs: a CodecPack or {codec id hex: CodecPack}."""
    bs = bitstream.parse(data)
    pack = _select_pack(packs, bs)
    if max_pixels is not None and bs.width * bs.height > max_pixels:
        raise TooLarge(f"{bs.width}x{bs.height} is over the limit of {max_pixels} pixels")
    wp, hp = padded_size(bs.width, bs.height)
    net = pack.net
    zshape = (net.N, hp // Z_STRIDE, wp // Z_STRIDE)
    z_hat = rans.decode(bs.z, _z_indexes(zshape), pack.tables.z_coder()).reshape(zshape)
    k, mean_q, _ = hyper_params(pack, z_hat)
    q = rans.decode(bs.y, k.reshape(-1), pack.tables.y_coder()).reshape(k.shape)
    if k.shape != (net.M, hp // Y_STRIDE, wp // Y_STRIDE):   # a pack whose h_s is not 4x would be a bug
        raise CorruptBitstream("hyper-synthesis output does not match the image geometry")
    return bs, Latents(z_hat, k, mean_q, q), pack


@torch.no_grad()
def synthesize(model, y_hat, width, height):
    """g_s(y_hat) -> uint8 [height, width, 3]: clamp to [0, 1], round to 8 bits, crop."""
    x = model.g_s(torch.from_numpy(np.ascontiguousarray(y_hat))[None])[0].numpy()
    x = np.floor(np.clip(x, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
    return x[:, :height, :width].transpose(1, 2, 0).copy()


def adaptor_input(pack, bs, lat):
    """What the adaptor reads (docs/bitstream.md step 5): y_hat, times inv_gain[rate] for a v2 pack."""
    return pack.adaptor_input(lat.y_hat(pack.net.F), bs.rate_index)


def decode(packs, data, model):
    """Bitstream -> uint8 image, with the model's g_s standing in for the human adaptor."""
    bs, lat, pack = decode_latents(packs, data)
    return synthesize(model, adaptor_input(pack, bs, lat), bs.width, bs.height)
