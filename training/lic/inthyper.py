"""Integer hyper-synthesis: post-training quantisation of h_s and the `hyper_synthesis.bin` file.

Why integers: the decoder picks each y symbol's CDF from h_s's output, so encoder and decoder must get
bit-identical scales on every platform (Balle et al. 2019, "Integer networks for data compression with
latent-variable models", ICLR). Here h_s is quantised after training in the usual way for int8
inference (Jacob et al. 2018, "Quantization and training of neural networks for efficient
integer-arithmetic-only inference"): symmetric per-output-channel int8 weights, uint8 ReLU
activations with calibrated scales, int32 bias, and a fixed-point (multiplier, shift) requantisation.
The semantics are docs/codec-pack.md; `run` below is its literal numpy int64 reading.
"""
import math
import struct
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn as nn

from .errors import InvalidPack

MAGIC = b"LICH"
VERSION = 1
CONV, TCONV = 0, 1
ACC_LIMIT = 1 << 31
MULT_BITS = 15              # multiplier in [2^14, 2^15]: 15 significant bits, far below int8 noise
DEFAULT_F = 8
DEFAULT_ZC = 255
ACT_MAX = 255               # hidden activations are uint8
OUT_LIMIT = 1 << 24         # last layer clamp: +-65536 in float units, never reached in practice
CALIB_PERCENTILE = 99.99


@dataclass
class Layer:
    kind: int
    K: int
    S: int
    P: int
    OP: int
    out_min: int
    out_max: int
    weight: np.ndarray      # int8 [Co][Ci][K][K], output-channel major for both kinds
    bias: np.ndarray        # int32 [Co], accumulator units
    multiplier: np.ndarray  # int32 [Co]
    shift: np.ndarray       # uint8 [Co]

    @property
    def Co(self):
        return self.weight.shape[0]

    @property
    def Ci(self):
        return self.weight.shape[1]

    def out_size(self, h):
        """Output length for input length h, or None when the division is not exact."""
        if self.kind == TCONV:
            return (h - 1) * self.S - 2 * self.P + self.K + self.OP
        num = h + 2 * self.P - self.K
        return num // self.S + 1 if num >= 0 and num % self.S == 0 else None

    def acc_bound(self, max_in):
        """Per output channel: |bias| + sum|w| * max|input| (the full-kernel bound of the spec)."""
        w = np.abs(self.weight.astype(np.int64)).reshape(self.Co, -1).sum(1)
        return np.abs(self.bias.astype(np.int64)) + w * int(max_in)


@dataclass
class IntHyperNet:
    N: int
    Zc: int
    F: int
    layers: list

    @property
    def M(self):
        return self.layers[-1].Co // 2

    def validate(self):
        """All invariants of docs/codec-pack.md; raises InvalidPack naming hyper_synthesis.bin."""
        if not 1 <= self.F <= 16:
            raise _bad(f"F = {self.F}")
        if not 1 <= len(self.layers) <= 16:
            raise _bad(f"{len(self.layers)} layers")
        ci, max_in = self.N, self.Zc
        for n, l in enumerate(self.layers):
            where = f"layer {n}"
            if l.kind not in (CONV, TCONV):
                raise _bad(f"{where}: kind {l.kind}")
            if not (1 <= l.K <= 7 and l.K % 2 == 1) or l.S not in (1, 2):
                raise _bad(f"{where}: kernel {l.K} stride {l.S}")
            if l.kind == TCONV and l.OP >= l.S:      # a convolution ignores OP
                raise _bad(f"{where}: output padding {l.OP}")
            if l.Ci != ci:
                raise _bad(f"{where}: {l.Ci} input channels, previous layer gives {ci}")
            if l.out_min > l.out_max:
                raise _bad(f"{where}: out_min > out_max")
            if np.any(l.multiplier < 1) or np.any(l.multiplier > 1 << 30):
                raise _bad(f"{where}: multiplier out of 1..2^30")
            if np.any(l.shift < 1) or np.any(l.shift > 62):
                raise _bad(f"{where}: shift out of 1..62")
            bound = l.acc_bound(max_in)
            if bound.max() >= ACC_LIMIT:
                raise _bad(f"{where}: accumulator bound {int(bound.max())} >= 2^31 "
                           f"(output channel {int(bound.argmax())})")
            ci, max_in = l.Co, max(abs(l.out_min), abs(l.out_max))
        if ci % 2:
            raise _bad(f"last layer has {ci} channels (must be 2M)")
        for h in range(1, 9):     # z can have any size >= 1; output must be exactly 4x
            size = h
            for l in self.layers:
                size = None if size is None else l.out_size(size)
            if size != 4 * h:
                raise _bad(f"input size {h} gives output {size}, expected {4 * h}")
        return self

    # ------------------------------------------------------------ file

    def to_bytes(self):
        self.validate()
        out = bytearray(MAGIC + struct.pack("<IIIII", VERSION, self.N, self.Zc, self.F, len(self.layers)))
        for l in self.layers:
            out += struct.pack("<BBBBB3xIIii", l.kind, l.K, l.S, l.P, l.OP, l.Ci, l.Co, l.out_min, l.out_max)
            out += np.ascontiguousarray(l.weight, dtype=np.int8).tobytes()
            out += b"\0" * (-len(out) % 4)
            out += np.asarray(l.bias, dtype="<i4").tobytes()
            out += np.asarray(l.multiplier, dtype="<i4").tobytes()
            out += np.asarray(l.shift, dtype=np.uint8).tobytes()
            out += b"\0" * (-len(out) % 4)
        return bytes(out)

    def write(self, path):
        with open(path, "wb") as f:
            f.write(self.to_bytes())

    @staticmethod
    def read(path):
        with open(path, "rb") as f:
            return IntHyperNet.from_bytes(f.read())

    @staticmethod
    def from_bytes(data):
        pos = 0

        def take(n):
            nonlocal pos
            if pos + n > len(data):
                raise _bad("truncated")
            b = data[pos:pos + n]
            pos += n
            return b

        def pad():
            take(-pos % 4)       # the spec does not require zero padding bytes (the writer writes zeros)

        if take(4) != MAGIC:
            raise _bad("bad magic")
        version, n_in, zc, frac, count = struct.unpack("<IIIII", take(20))
        if version != VERSION:
            raise _bad(f"version {version}")
        if not 1 <= count <= 16:
            raise _bad(f"{count} layers")
        layers = []
        for _ in range(count):
            kind, k, s, p, op, r0, r1, r2, ci, co, omin, omax = struct.unpack("<BBBBBBBBIIii", take(24))
            if r0 or r1 or r2:
                raise _bad("non-zero reserved bytes")
            if not (1 <= k <= 7) or ci == 0 or co == 0 or ci * co > 1 << 24:
                raise _bad(f"layer shape {co}x{ci}x{k}x{k}")
            w = np.frombuffer(take(co * ci * k * k), dtype=np.int8).reshape(co, ci, k, k).copy()
            pad()
            bias = np.frombuffer(take(4 * co), dtype="<i4").astype(np.int32)
            mult = np.frombuffer(take(4 * co), dtype="<i4").astype(np.int32)
            shift = np.frombuffer(take(co), dtype=np.uint8).copy()
            pad()
            layers.append(Layer(kind, k, s, p, op, omin, omax, w, bias, mult, shift))
        if pos != len(data):
            raise _bad(f"{len(data) - pos} trailing bytes")
        return IntHyperNet(n_in, zc, frac, layers).validate()


def _bad(msg):
    return InvalidPack(f"hyper_synthesis.bin: {msg}")


# ---------------------------------------------------------------- evaluation (the spec, literally)

def run(net, z_hat):
    """z_hat int [N, h, w] -> (scale_q, mean_q), each int32 [M, 4h, 4w], in units of 2^-F."""
    x = np.clip(np.asarray(z_hat, dtype=np.int64), -net.Zc, net.Zc)
    if x.ndim != 3 or x.shape[0] != net.N:
        raise ValueError(f"z_hat must be [{net.N}, h, w], got {x.shape}")
    for l in net.layers:
        acc = (_tconv if l.kind == TCONV else _conv)(x, l)
        acc += l.bias.astype(np.int64)[:, None, None]
        mult = l.multiplier.astype(np.int64)[:, None, None]
        shift = l.shift.astype(np.int64)[:, None, None]
        x = np.clip((acc * mult + (np.int64(1) << (shift - 1))) >> shift, l.out_min, l.out_max)
    m = net.M
    return x[:m].astype(np.int32), x[m:].astype(np.int32)


def _conv(x, l):
    """acc[o][y][x] = sum w[o][i][ky][kx] * in[i][y*S-P+ky][x*S-P+kx], zeros outside."""
    ci, h, w = x.shape
    ho, wo = l.out_size(h), l.out_size(w)
    xp = np.zeros((ci, h + 2 * l.P, w + 2 * l.P), dtype=np.int64)
    xp[:, l.P:l.P + h, l.P:l.P + w] = x
    wt = l.weight.astype(np.int64)
    acc = np.zeros((l.Co, ho, wo), dtype=np.int64)
    for ky in range(l.K):
        for kx in range(l.K):
            patch = xp[:, ky:ky + (ho - 1) * l.S + 1:l.S, kx:kx + (wo - 1) * l.S + 1:l.S]
            acc += np.tensordot(wt[:, :, ky, kx], patch, axes=(1, 0))
    return acc


def _tconv(x, l):
    """acc[o][iy*S-P+ky][ix*S-P+kx] += w[o][i][ky][kx] * in[i][iy][ix] (scatter form)."""
    ci, h, w = x.shape
    ho, wo = l.out_size(h), l.out_size(w)
    # Full (uncropped) output; row r of `full` is output row r - P.
    full = np.zeros((l.Co, (h - 1) * l.S + l.K + l.OP, (w - 1) * l.S + l.K + l.OP), dtype=np.int64)
    wt = l.weight.astype(np.int64)
    for ky in range(l.K):
        for kx in range(l.K):
            full[:, ky:ky + (h - 1) * l.S + 1:l.S, kx:kx + (w - 1) * l.S + 1:l.S] += \
                np.tensordot(wt[:, :, ky, kx], x, axes=(1, 0))
    return full[:, l.P:l.P + ho, l.P:l.P + wo]


# ---------------------------------------------------------------- post-training quantisation

def _requant(ratio):
    """ratio > 0 -> (multiplier, shift) with multiplier / 2^shift ~ ratio, multiplier in [2^14, 2^15]."""
    e = math.floor(math.log2(ratio))
    shift = (MULT_BITS - 1) - e
    if not 1 <= shift <= 62:
        raise ValueError(f"requantisation ratio {ratio:g} needs shift {shift} outside 1..62")
    return int(round(ratio * 2.0 ** shift)), shift


def _layers_of(h_s):
    """[(module, followed_by_relu)] for a Sequential of Conv2d/ConvTranspose2d (+ ReLU)."""
    mods = list(h_s)
    out = []
    for i, m in enumerate(mods):
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            relu = i + 1 < len(mods) and isinstance(mods[i + 1], nn.ReLU)
            out.append((m, relu))
        elif not isinstance(m, nn.ReLU):
            raise ValueError(f"cannot quantise {type(m).__name__}")
    if not out or not all(r for _, r in out[:-1]) or out[-1][1]:
        raise ValueError("h_s must be (conv + ReLU)* then a plain conv")
    return out


@torch.no_grad()
def calibrate(h_s, z_hat, percentile=CALIB_PERCENTILE):
    """Float activation ranges after each hidden ReLU: the given percentile over all calibration values.

    A high percentile instead of the max, so that one outlier does not coarsen every other value
    (the clipped outliers only saturate at 255)."""
    x = z_hat.float()
    ranges = []
    layers = _layers_of(h_s)
    for m, relu in layers[:-1]:
        x = torch.relu(m(x))
        ranges.append(float(np.percentile(x.numpy().reshape(-1), percentile)))
    return ranges


@torch.no_grad()
def quantize(h_s, z_calib, frac_bits=DEFAULT_F, zc=DEFAULT_ZC, percentile=CALIB_PERCENTILE):
    """Float h_s + calibration z_hat [B, N, h, w] (integers) -> IntHyperNet (validated)."""
    layers = _layers_of(h_s)
    ranges = calibrate(h_s, z_calib, percentile)
    in_scale, out = 1.0, []          # float value of one input integer unit (z_hat: 1)
    for n, (m, relu) in enumerate(layers):
        wf = m.weight.detach().double().numpy()
        if isinstance(m, nn.ConvTranspose2d):
            wf = wf.transpose(1, 0, 2, 3)            # PyTorch [in, out, k, k] -> file [out, in, k, k]
            kind, op = TCONV, m.output_padding[0]
        else:
            kind, op = CONV, 0
        if m.groups != 1 or m.dilation[0] != 1 or len(set(m.kernel_size)) != 1 \
                or len(set(m.stride)) != 1 or len(set(m.padding)) != 1:
            raise ValueError("only square, ungrouped, undilated kernels")
        co = wf.shape[0]
        amax = np.abs(wf).reshape(co, -1).max(1)
        w_scale = np.where(amax > 0, amax / 127.0, 1.0)
        wq = np.clip(np.round(wf / w_scale[:, None, None, None]), -127, 127).astype(np.int8)
        acc_unit = w_scale * in_scale
        bf = m.bias.detach().double().numpy() if m.bias is not None else np.zeros(co)
        bias = np.round(bf / acc_unit)
        if n + 1 < len(layers):
            out_unit = max(ranges[n], 1e-6) / ACT_MAX
            omin, omax = 0, ACT_MAX
        else:
            out_unit = 2.0 ** -frac_bits
            omin, omax = -OUT_LIMIT, OUT_LIMIT
        mult, shift = zip(*(_requant(r) for r in acc_unit / out_unit))
        if np.abs(bias).max() >= ACC_LIMIT:
            raise ValueError(f"layer {n}: bias does not fit 32 bits")
        out.append(Layer(kind, m.kernel_size[0], m.stride[0], m.padding[0], op, omin, omax, wq,
                         bias.astype(np.int32), np.array(mult, dtype=np.int32),
                         np.array(shift, dtype=np.uint8)))
        in_scale = out_unit
    net = IntHyperNet(layers[0][0].in_channels, zc, frac_bits, out)
    try:
        return net.validate()
    except InvalidPack as e:    # at export this is a quantisation failure, not a bad file
        raise ValueError(str(e)) from None


@torch.no_grad()
def compare(net, h_s, z_hat):
    """Integer vs float h_s on z_hat [B, N, h, w]: mean/max abs errors of scales and means (float units)."""
    ds, dm, s_ref = [], [], []
    for z in z_hat:
        s_q, m_q = run(net, z.numpy().astype(np.int64))
        s_f, m_f = (t[0].double().numpy() for t in h_s(z[None].float()).chunk(2, 1))
        ds.append(np.abs(s_q / 2.0 ** net.F - s_f).reshape(-1))
        dm.append(np.abs(m_q / 2.0 ** net.F - m_f).reshape(-1))
        s_ref.append(np.abs(s_f).reshape(-1))
    ds, dm, s_ref = (np.concatenate(v) for v in (ds, dm, s_ref))
    return {"scale_mae": float(ds.mean()), "scale_max_err": float(ds.max()),
            "scale_mean_abs": float(s_ref.mean()),
            "mean_mae": float(dm.mean()), "mean_max_err": float(dm.max())}
