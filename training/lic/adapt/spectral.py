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
`torch.onnx.export` the branch is emitted by `lic.adapt.spectral_onnx`: four-step FFTs made of matrix
products, the mask applied in its Hermitian part (which gives the same real output), in a compact graph.
`tests/test_adapt.py` runs the exported graph against the eager branch, and the Java registry's self-test
runs it in ONNX Runtime.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from .spectral_onnx import SpectralOnnx


def next_pow2(n):
    """The smallest power of two >= n, for a size n >= 1 (the export computes its own, in the graph)."""
    n = int(n)
    if n < 1:
        raise ValueError(f"size {n} < 1")
    return 1 << (n - 1).bit_length()


def _interp_matrix(length, k):
    """[length, k]: periodic linear interpolation of a k-cell grid at frequencies 0/length .. (length-1)/length."""
    pos = torch.arange(length, dtype=torch.float32) * (k / float(length))
    i0 = torch.floor(pos)
    w1 = (pos - i0).unsqueeze(1)
    cells = torch.arange(k, dtype=torch.float32).unsqueeze(0)
    i0 = i0.unsqueeze(1)
    i1 = torch.remainder(i0 + 1, k)
    return (cells == i0).to(torch.float32) * (1 - w1) + (cells == i1).to(torch.float32) * w1


class SpectralMask(nn.Module):
    """IFFT(M * FFT(F)) per channel with M interpolated from a learnable K x K complex grid."""

    def __init__(self, channels, k=8):
        super().__init__()
        self.k = k
        self.grid = nn.Parameter(torch.zeros(2, channels, k, k))   # real, imaginary

    def mask(self, lh, lw, grid=None):
        ph, pw = _interp_matrix(lh, self.k), _interp_matrix(lw, self.k)
        return torch.matmul(torch.matmul(ph, self.grid if grid is None else grid), pw.t())    # [2, C, lh, lw]

    def hermitian_grid(self):
        """(G + conj R) / 2 with R[a, b] = G[-a mod K, -b mod K]: its interpolation is the mask's Hermitian
        part (M(f) + conj M(-f)) / 2, because interpolating R at f is interpolating G at -f. For real x,
        Re IFFT(M * FFT(x)) = IFFT(Mh * FFT(x))."""
        neg = torch.remainder(-torch.arange(self.k), self.k)
        r = self.grid[:, :, neg][:, :, :, neg]
        return torch.stack([self.grid[0] + r[0], self.grid[1] - r[1]]) * 0.5

    def eager(self, x, grid=None):
        """The branch with torch.fft (training, and the output the export traces), with the mask from
        `grid` (default: the module's own; its Hermitian part gives the same output)."""
        h, w = x.shape[2], x.shape[3]
        lh, lw = next_pow2(h), next_pow2(w)
        m = self.mask(lh, lw, grid)
        out = torch.fft.ifft2(torch.fft.fft2(x, s=(lh, lw)) * torch.complex(m[0], m[1]))
        return out.real[:, :, :h, :w]

    def forward(self, x, size=None):
        """size: x's (height, width) computed from the graph's input, for the exported graph: ONNX Runtime
        plans a graph whose shape arithmetic starts at the graph input faster than one where each block
        reads the (unknown) shape of the stage before it. Without it, x's own shape."""
        if size is not None and not torch.jit.is_tracing():
            assert (int(size[0]), int(size[1])) == tuple(x.shape[2:]), f"size {size} for a {tuple(x.shape)} input"
        if not torch.onnx.is_in_onnx_export():
            return self.eager(x)
        h, w = size if size is not None else (x.shape[2], x.shape[3])
        h, w = (v if torch.is_tensor(v) else torch.tensor(v) for v in (h, w))
        return SpectralOnnx.apply(x, self.hermitian_grid(), h, w, self.eager, self.k)


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
