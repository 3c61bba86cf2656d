"""Power-of-two DFTs built from MatMul: the spectral mask's transforms in its exported (ONNX) graph.

ONNX Runtime's `DFT` kernel took ~60 % of a T-adaptor decode (docs/tasks, "Decode time per adaptor").
Here each transform of length L = L1 * L2 (both powers of two, L1 <= L2) is the four-step FFT: a DFT of
length L1 as a matrix product, a twiddle product, a DFT of length L2 as a matrix product. That is
L1 + L2 complex multiply-adds per value instead of L, in large matrix products, which ONNX Runtime runs
~4x faster than its DFT. The matrices are built in the graph from the sizes (Range, Cos, Sin), so the
graph takes any image size.

Order: a forward transform returns its frequencies in *four-step order*: position k1 * L2 + k2 holds
frequency k1 + L1 * k2 (`four_step_freqs`); the inverse takes that order and returns samples in natural
order, so no permutation is ever materialised (the mask is evaluated at the permuted frequencies).

Real input along the last axis (`rfft_last`) keeps only the rows k1 <= L1 / 2 of the four-step layout,
which hold one of every conjugate pair (`rfft_last_freqs`): about half the spectrum, which halves the work
of everything after it. `irfft_last` inverts that for a Hermitian spectrum (real output).

Complex tensors are (real, imaginary) pairs of real tensors. Sizes may be Python ints or 0-d int64
tensors (traced under torch.onnx.export).
"""
import math

import torch


def _int(v):
    return v if torch.is_tensor(v) else torch.tensor(v)


def split_pow2(length):
    """(L1, L2) with L1 * L2 = length (a power of two), L1 = 2^floor(log2(length) / 2)."""
    e = torch.round(torch.log2(_int(length).to(torch.float32)))
    l1 = torch.pow(2.0, torch.floor(e / 2)).to(torch.int64)
    return l1, _int(length) // l1


def dft_matrix(rows, cols, length, sign):
    """cos and sin of sign * 2 pi (a * b mod length) / length, a < rows, b < cols: the real and imaginary
    parts of exp(sign * 2 pi i a b / length). The product is reduced in integers: float32 angles of a * b
    itself would lose precision for long transforms."""
    a = torch.arange(rows).unsqueeze(1)
    b = torch.arange(cols).unsqueeze(0)
    angle = torch.remainder(a * b, length).to(torch.float32) * (sign * 2 * math.pi / _int(length).to(torch.float32))
    return torch.cos(angle), torch.sin(angle)


def _cmul(ar, ai, br, bi):
    return ar * br - ai * bi, ar * bi + ai * br


def _half_rows(l1):
    return l1 // 2 + 1


def four_step_freqs(length):
    """The frequency at each position of a forward transform's output (`fft_rows`)."""
    l1, l2 = split_pow2(length)
    return (torch.arange(l1).unsqueeze(1) + l1 * torch.arange(l2).unsqueeze(0)).reshape(-1)


def rfft_last_freqs(length):
    """The frequency at each position of `rfft_last`'s output (rows k1 <= L1 / 2 of the four-step order)."""
    l1, l2 = split_pow2(length)
    return (torch.arange(_half_rows(l1)).unsqueeze(1) + l1 * torch.arange(l2).unsqueeze(0)).reshape(-1)


def rfft_last(x, length):
    """Real x [..., length] -> (re, im) [..., (L1 / 2 + 1) * L2]: its DFT at `rfft_last_freqs`."""
    l1, l2 = split_pow2(length)
    h1 = _half_rows(l1)
    lead = x.shape[:-1]
    x = x.reshape(*lead, l1, l2)                         # [n1, n2], n = L2 * n1 + n2
    c1, s1 = dft_matrix(h1, l1, l1, -1)
    br, bi = _cmul(c1 @ x, s1 @ x, *dft_matrix(h1, l2, length, -1))      # over n1, then the twiddles
    fr, fi = dft_matrix(l2, l2, l2, -1)
    cr, ci = br @ fr - bi @ fi, br @ fi + bi @ fr         # over n2: [k1, k2]
    return cr.reshape(*lead, h1 * l2), ci.reshape(*lead, h1 * l2)


def irfft_last(re, im, length):
    """The inverse of `rfft_last` for the half of a Hermitian spectrum: real [..., length].

    The rows k1 and L1 - k1 of the full four-step layout contribute complex conjugates, so each kept row
    0 < k1 < L1 / 2 counts twice and the real part is all that is computed."""
    l1, l2 = split_pow2(length)
    h1 = _half_rows(l1)
    lead = re.shape[:-1]
    re, im = re.reshape(*lead, h1, l2), im.reshape(*lead, h1, l2)
    fr, fi = dft_matrix(l2, l2, l2, 1)
    dr, di = _cmul(re @ fr - im @ fi, re @ fi + im @ fr, *dft_matrix(h1, l2, length, 1))
    c1, s1 = dft_matrix(l1, h1, l1, 1)                    # [a, k1]
    k1 = torch.arange(h1).unsqueeze(0)
    weight = torch.where((k1 == 0) | (2 * k1 == l1), torch.ones(()), torch.full((), 2.0))
    weight = weight / _int(length).to(torch.float32)
    return ((c1 * weight) @ dr - (s1 * weight) @ di).reshape(*lead, length)   # [a, b], n = L2 * a + b


def fft_rows(re, im, length):
    """Complex DFT along dim -2 (length rows) of [..., length, P] by left products; four-step order out."""
    l1, l2 = split_pow2(length)
    lead, p = re.shape[:-2], re.shape[-1]
    re, im = re.reshape(*lead, l1, l2 * p), im.reshape(*lead, l1, l2 * p)
    fr, fi = dft_matrix(l1, l1, l1, -1)
    br, bi = fr @ re - fi @ im, fr @ im + fi @ re
    tr, ti = dft_matrix(l1, l2, length, -1)
    br, bi = _cmul(br.reshape(*lead, l1, l2, p), bi.reshape(*lead, l1, l2, p), tr.unsqueeze(-1), ti.unsqueeze(-1))
    gr, gi = dft_matrix(l2, l2, l2, -1)
    cr, ci = gr @ br - gi @ bi, gr @ bi + gi @ br
    return cr.reshape(*lead, length, p), ci.reshape(*lead, length, p)


def ifft_rows(re, im, length):
    """The inverse of `fft_rows` (scaled by 1 / length): natural order out."""
    l1, l2 = split_pow2(length)
    lead, p = re.shape[:-2], re.shape[-1]
    re, im = re.reshape(*lead, l1, l2, p), im.reshape(*lead, l1, l2, p)
    gr, gi = dft_matrix(l2, l2, l2, 1)
    dr, di = gr @ re - gi @ im, gr @ im + gi @ re
    tr, ti = dft_matrix(l1, l2, length, 1)
    dr, di = _cmul(dr, di, tr.unsqueeze(-1), ti.unsqueeze(-1))
    dr, di = dr.reshape(*lead, l1, l2 * p), di.reshape(*lead, l1, l2 * p)
    fr, fi = dft_matrix(l1, l1, l1, 1)
    scale = 1.0 / _int(length).to(torch.float32)
    xr, xi = (fr @ dr - fi @ di) * scale, (fr @ di + fi @ dr) * scale
    return xr.reshape(*lead, length, p), xi.reshape(*lead, length, p)
