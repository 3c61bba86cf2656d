"""The adaptor block: F_out = F + DWConv(F) + IFFT(M * FFT(F)) (arXiv 2504.12997's dual branch).

The spatial branch is a depth-wise 3x3 convolution followed by a 1x1 channel mix (a depth-wise separable
convolution; the frozen stage after it mixes channels too, but a per-channel-only branch learned too little
in our first runs). The spectral branch multiplies the 2-D Fourier transform of each channel by a learnable
complex mask and transforms back; it is a global (image-wide) filter at the cost of two FFTs.

Sizes vary per image, so the mask is defined over *normalised* frequency: a learnable complex grid of
K x K cells per channel, interpolated (bilinear, periodic) onto the transform's frequencies. The transform
zero-pads each axis to the next power of two (the exported transforms below need powers of two, and the
padding turns most of the circular convolution into a linear one: less wrap-around at image borders).

Both branches start at zero, so an untrained adaptor decodes exactly like the base synthesis.

Export: torch 1.13 cannot export torch.fft, and ONNX Runtime's `DFT` kernel is slow, so under
`torch.onnx.export` the transforms are four-step FFTs made of matrix products (`lic.adapt.matmul_fft`):
a real transform along the rows keeps half the spectrum, a complex one runs along the columns, and the
mask is applied in its Hermitian part, which gives the same real output. `tests/test_adapt.py` checks that
both paths agree, and the Java registry's self-test runs the exported graph in ONNX Runtime.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from .matmul_fft import Plan, fft_rows, ifft_rows, irfft_last, rfft_last


def next_pow2(n):
    """2^ceil(log2(n)) as a (traceable) int64 tensor."""
    n = n.to(torch.float32) if torch.is_tensor(n) else torch.tensor(float(n))
    # -1e-5: float32 log2 of an exact power of two may land a few ulps above the integer.
    return torch.pow(2.0, torch.ceil(torch.log2(n) - 1e-5)).to(torch.int64)


def _interp_at(freqs, length, k):
    """[len(freqs), k]: periodic linear interpolation of a k-cell grid at frequencies freqs / length."""
    pos = freqs.to(torch.float32) * (k / length.to(torch.float32) if torch.is_tensor(length) else k / float(length))
    i0 = torch.floor(pos)
    w1 = (pos - i0).unsqueeze(1)
    cells = torch.arange(k, dtype=torch.float32).unsqueeze(0)
    i0 = i0.unsqueeze(1)
    i1 = torch.remainder(i0 + 1, k)
    return (cells == i0).to(torch.float32) * (1 - w1) + (cells == i1).to(torch.float32) * w1


def _interp_matrix(length, k):
    """[length, k]: the interpolation at frequencies 0/length .. (length-1)/length."""
    return _interp_at(torch.arange(length), length, k)


class SpectralMask(nn.Module):
    """IFFT(M * FFT(F)) per channel with M interpolated from a learnable K x K complex grid."""

    def __init__(self, channels, k=8):
        super().__init__()
        self.k = k
        self.grid = nn.Parameter(torch.zeros(2, channels, k, k))   # real, imaginary

    def mask(self, lh, lw):
        ph, pw = _interp_matrix(lh, self.k), _interp_matrix(lw, self.k)
        return torch.matmul(torch.matmul(ph, self.grid), pw.t())      # [2, C, lh, lw]

    def hermitian_mask(self, fh, fw, lh, lw):
        """Mh = (M(f) + conj M(-f)) / 2 at the frequencies fh (of lh) x fw (of lw), as (real, imaginary),
        each [C, len(fh), len(fw)]. For real x, Re IFFT(M * FFT(x)) = IFFT(Mh * FFT(x)), which is real."""
        ph, pw = _interp_at(fh, lh, self.k), _interp_at(fw, lw, self.k)
        ph_neg = _interp_at(torch.remainder(lh - fh, lh), lh, self.k)
        pw_neg = _interp_at(torch.remainder(lw - fw, lw), lw, self.k)
        m = torch.matmul(torch.matmul(ph, self.grid), pw.t())
        m_neg = torch.matmul(torch.matmul(ph_neg, self.grid), pw_neg.t())
        return (m[0] + m_neg[0]) * 0.5, (m[1] - m_neg[1]) * 0.5

    def forward(self, x, size=None):
        """size: x's (height, width) computed from the graph's input, for the exported graph: ONNX Runtime
        plans a graph whose shape arithmetic starts at the graph input faster than one where each block
        reads the (unknown) shape of the stage before it (a detection pack's session: 0.98 s against 1.11 s).
        Without it, x's own shape."""
        h, w = x.shape[2], x.shape[3]
        if size is not None and torch.onnx.is_in_onnx_export():
            if not torch.jit.is_tracing():
                assert (int(size[0]), int(size[1])) == (h, w), f"size {size} for a {tuple(x.shape)} input"
            h, w = size
        lh, lw = next_pow2(h), next_pow2(w)
        if not torch.onnx.is_in_onnx_export():
            spec = torch.fft.fft2(x, s=(int(lh), int(lw)))
            m = self.mask(lh, lw)
            out = torch.fft.ifft2(spec * torch.complex(m[0], m[1]))
            return out.real[:, :, :h, :w]
        # The same with matrix products: half spectra of the zero-padded rows, then the columns' transforms,
        # both in four-step frequency order (the mask is evaluated in that order), then back.
        rows, cols = Plan(lw, half=True), Plan(lh)
        zr, zi = rfft_last(F.pad(x, (0, lw - w, 0, lh - h)), rows)
        zr, zi = fft_rows(zr, zi, cols)
        mr, mi = self.hermitian_mask(cols.freqs(), rows.freqs(), lh, lw)
        zr, zi = ifft_rows(zr * mr - zi * mi, zr * mi + zi * mr, cols)
        return irfft_last(zr[:, :, :h], zi[:, :, :h], rows)[:, :, :, :w]


class AdaptorBlock(nn.Module):
    """F + PW(GELU(DW3x3(F))) + SpectralMask(F); zero-initialised (identity at start)."""

    def __init__(self, channels, k=8):
        super().__init__()
        self.dw = nn.Conv2d(channels, channels, 3, padding=1, groups=channels)
        self.pw = nn.Conv2d(channels, channels, 1)
        nn.init.zeros_(self.pw.weight)
        nn.init.zeros_(self.pw.bias)
        self.spectral = SpectralMask(channels, k)

    def forward(self, x, size=None):
        """size: see SpectralMask.forward."""
        return x + self.pw(F.gelu(self.dw(x))) + self.spectral(x, size)
