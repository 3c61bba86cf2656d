"""Power-of-two DFTs built from MatMul: the spectral mask's transforms in its exported (ONNX) graph.

ONNX Runtime's `DFT` kernel took ~60 % of a T-adaptor decode (docs/tasks, "Decode time per adaptor").
Here each transform of length L = L1 * L2 (both powers of two, L1 <= L2) is the four-step FFT: a DFT of
length L1 as a matrix product, a twiddle product, a DFT of length L2 as a matrix product. That is
L1 + L2 complex multiply-adds per value instead of L, in large matrix products, which ONNX Runtime runs
~4x faster than its DFT. The matrices are built in the graph from the sizes (Range, Cos, Sin), so the
graph takes any image size; a `Plan` builds them once per length and serves the forward and the inverse
transform (the inverse's matrices are the complex conjugates, folded into the sign of each product).

Order: a forward transform returns its frequencies in *four-step order*: position k1 * L2 + k2 holds
frequency k1 + L1 * k2 (`Plan.freqs`); the inverse takes that order and returns samples in natural order,
so no permutation is ever materialised (the mask is evaluated at the permuted frequencies).

Real input along the last axis (`rfft_last`) keeps only the rows k1 <= L1 / 2 of the four-step layout,
which hold one of every conjugate pair (a `Plan(..., half=True)`'s `freqs`): about half the spectrum,
which halves the work of everything after it. `irfft_last` inverts that for a Hermitian spectrum (real
output).

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


def dft_matrix(rows, cols, length):
    """cos and sin of -2 pi (a * b mod length) / length, a < rows, b < cols: the real and imaginary parts
    of the forward DFT's exp(-2 pi i a b / length). The product is reduced in integers: float32 angles of
    a * b itself would lose precision for long transforms."""
    a = torch.arange(rows).unsqueeze(1)
    b = torch.arange(cols).unsqueeze(0)
    angle = torch.remainder(a * b, length).to(torch.float32) * (-2 * math.pi / _int(length).to(torch.float32))
    return torch.cos(angle), torch.sin(angle)


class Plan:
    """The matrices of the four-step transforms of one length (forward signs; inverses conjugate them).

    half: for `rfft_last` / `irfft_last` (rows k1 <= L1 / 2 only); otherwise for `fft_rows` / `ifft_rows`."""

    def __init__(self, length, half=False):
        self.length = length
        self.l1, self.l2 = split_pow2(length)
        self.rows = self.l1 // 2 + 1 if half else self.l1           # the kept k1
        self.c1, self.s1 = dft_matrix(self.rows, self.l1, self.l1)   # [k1, n1]
        self.ct, self.st = dft_matrix(self.rows, self.l2, length)    # twiddles [k1, n2]
        self.c2, self.s2 = dft_matrix(self.l2, self.l2, self.l2)     # [n2, k2], symmetric

    def freqs(self):
        """The frequency at each position of the forward transform's output."""
        return (torch.arange(self.rows).unsqueeze(1) + self.l1 * torch.arange(self.l2).unsqueeze(0)).reshape(-1)


def rfft_last(x, plan):
    """Real x [..., L] -> (re, im) [..., rows * L2]: its DFT at `plan.freqs()` (a half plan)."""
    lead = x.shape[:-1]
    x = x.reshape(*lead, plan.l1, plan.l2)                       # [n1, n2], n = L2 * n1 + n2
    br, bi = plan.c1 @ x, plan.s1 @ x                            # over n1
    br, bi = br * plan.ct - bi * plan.st, br * plan.st + bi * plan.ct
    cr, ci = br @ plan.c2 - bi @ plan.s2, br @ plan.s2 + bi @ plan.c2   # over n2: [k1, k2]
    n = plan.rows * plan.l2
    return cr.reshape(*lead, n), ci.reshape(*lead, n)


def irfft_last(re, im, plan):
    """The inverse of `rfft_last` for the half of a Hermitian spectrum: real [..., L].

    The rows k1 and L1 - k1 of the full four-step layout contribute complex conjugates, so each kept row
    0 < k1 < L1 / 2 counts twice and the real part is all that is computed."""
    lead = re.shape[:-1]
    re, im = re.reshape(*lead, plan.rows, plan.l2), im.reshape(*lead, plan.rows, plan.l2)
    dr, di = re @ plan.c2 + im @ plan.s2, im @ plan.c2 - re @ plan.s2         # times conj F2
    dr, di = dr * plan.ct + di * plan.st, di * plan.ct - dr * plan.st         # conj twiddles
    k1 = torch.arange(plan.rows).unsqueeze(1)
    weight = torch.where((k1 == 0) | (2 * k1 == plan.l1), torch.ones(()), torch.full((), 2.0))
    weight = weight / _int(plan.length).to(torch.float32)
    # Re(conj F1^T D) with F1 = c1 + i s1: c1^T dr + s1^T di, each row k1 weighted
    out = (plan.c1 * weight).t() @ dr + (plan.s1 * weight).t() @ di            # [a, b], n = L2 * a + b
    return out.reshape(*lead, plan.length)


def fft_rows(re, im, plan):
    """Complex DFT along dim -2 (L rows) of [..., L, P] by left products; four-step order out."""
    lead, p = re.shape[:-2], re.shape[-1]
    re, im = re.reshape(*lead, plan.l1, plan.l2 * p), im.reshape(*lead, plan.l1, plan.l2 * p)
    br, bi = plan.c1 @ re - plan.s1 @ im, plan.c1 @ im + plan.s1 @ re
    br, bi = br.reshape(*lead, plan.l1, plan.l2, p), bi.reshape(*lead, plan.l1, plan.l2, p)
    ct, st = plan.ct.unsqueeze(-1), plan.st.unsqueeze(-1)
    br, bi = br * ct - bi * st, br * st + bi * ct
    cr, ci = plan.c2 @ br - plan.s2 @ bi, plan.c2 @ bi + plan.s2 @ br
    return cr.reshape(*lead, plan.length, p), ci.reshape(*lead, plan.length, p)


def ifft_rows(re, im, plan):
    """The inverse of `fft_rows` (scaled by 1 / L): natural order out."""
    lead, p = re.shape[:-2], re.shape[-1]
    re, im = re.reshape(*lead, plan.l1, plan.l2, p), im.reshape(*lead, plan.l1, plan.l2, p)
    dr, di = plan.c2 @ re + plan.s2 @ im, plan.c2 @ im - plan.s2 @ re          # conj F2 (symmetric)
    ct, st = plan.ct.unsqueeze(-1), plan.st.unsqueeze(-1)
    dr, di = dr * ct + di * st, di * ct - dr * st
    dr, di = dr.reshape(*lead, plan.l1, plan.l2 * p), di.reshape(*lead, plan.l1, plan.l2 * p)
    scale = 1.0 / _int(plan.length).to(torch.float32)
    c1, s1 = plan.c1, plan.s1                                                   # conj F1 (symmetric)
    xr, xi = (c1 @ dr + s1 @ di) * scale, (c1 @ di - s1 @ dr) * scale
    return xr.reshape(*lead, plan.length, p), xi.reshape(*lead, plan.length, p)
