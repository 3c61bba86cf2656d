"""The adaptor block: F_out = F + DWConv(F) + IFFT(M * FFT(F)) (arXiv 2504.12997's dual branch).

The spatial branch is a depth-wise 3x3 convolution followed by a 1x1 channel mix (a depth-wise separable
convolution; the frozen stage after it mixes channels too, but a per-channel-only branch learned too little
in our first runs). The spectral branch multiplies the 2-D Fourier transform of each channel by a learnable
complex mask and transforms back; it is a global (image-wide) filter at the cost of two FFTs.

Sizes vary per image, so the mask is defined over *normalised* frequency: a learnable complex grid of
K x K cells per channel, interpolated (bilinear, periodic) onto the transform's frequencies. The transform
zero-pads each axis to the next power of two (ONNX Runtime's DFT is a radix-2 FFT only at powers of two,
and the padding turns the circular convolution into a linear one, so no wrap-around at image borders).

Both branches start at zero, so an untrained adaptor decodes exactly like the base synthesis.

Export: torch 1.13 cannot export torch.fft, so under `torch.onnx.export` the transforms are emitted as
ONNX `DFT` nodes (opset 17) by `_OnnxDft`; `tests/test_adapt.py` checks that both paths agree and the
Java registry's self-test runs the exported graph in ONNX Runtime.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


def next_pow2(n):
    """2^ceil(log2(n)) as a (traceable) int64 tensor."""
    n = n.to(torch.float32) if torch.is_tensor(n) else torch.tensor(float(n))
    # -1e-5: float32 log2 of an exact power of two may land a few ulps above the integer.
    return torch.pow(2.0, torch.ceil(torch.log2(n) - 1e-5)).to(torch.int64)


def _interp_matrix(length, k):
    """[length, k]: periodic linear interpolation of a k-cell grid at frequencies 0/length .. (length-1)/length."""
    pos = torch.arange(length, dtype=torch.float32) * (k / length.to(torch.float32) if torch.is_tensor(length)
                                                      else k / float(length))
    i0 = torch.floor(pos)
    w1 = (pos - i0).unsqueeze(1)
    cells = torch.arange(k, dtype=torch.float32).unsqueeze(0)
    i0 = i0.unsqueeze(1)
    i1 = torch.remainder(i0 + 1, k)
    return (cells == i0).to(torch.float32) * (1 - w1) + (cells == i1).to(torch.float32) * w1


class _OnnxDft(torch.autograd.Function):
    """One ONNX DFT along `axis` of a [..., 2] (real, imaginary) tensor; forward is only for tracing."""

    @staticmethod
    def forward(ctx, x, length, axis, inverse):
        return _eager_dft(x, length, axis, inverse)

    @staticmethod
    def symbolic(g, x, length, axis, inverse):
        return g.op("DFT", x, length, axis_i=axis, inverse_i=int(inverse), onesided_i=0)


def _eager_dft(x, length, axis, inverse):
    z = x[..., 0] if x.shape[-1] == 1 else torch.view_as_complex(x.contiguous())
    n = int(length)
    z = torch.fft.ifft(z, n=n, dim=axis) if inverse else torch.fft.fft(z, n=n, dim=axis)
    return torch.view_as_real(z)


def _dft(x, length, axis, inverse):
    """Complex DFT along `axis` of x [..., 2] (or real x [..., 1]); zero-pads to `length` (forward)."""
    if torch.onnx.is_in_onnx_export():
        return _OnnxDft.apply(x, length, axis, inverse)
    return _eager_dft(x, length, axis, inverse)


class SpectralMask(nn.Module):
    """IFFT(M * FFT(F)) per channel with M interpolated from a learnable K x K complex grid."""

    def __init__(self, channels, k=8):
        super().__init__()
        self.k = k
        self.grid = nn.Parameter(torch.zeros(2, channels, k, k))   # real, imaginary

    def mask(self, lh, lw):
        ph, pw = _interp_matrix(lh, self.k), _interp_matrix(lw, self.k)
        return torch.matmul(torch.matmul(ph, self.grid), pw.t())      # [2, C, lh, lw]

    def forward(self, x):
        h, w = x.shape[2], x.shape[3]
        lh, lw = next_pow2(h), next_pow2(w)
        if not torch.onnx.is_in_onnx_export():
            spec = torch.fft.fft2(x, s=(int(lh), int(lw)))
            m = self.mask(lh, lw)
            out = torch.fft.ifft2(spec * torch.complex(m[0], m[1]))
            return out.real[:, :, :h, :w]
        # The same computation on [..., 2] real tensors, with ONNX DFT nodes, each along the innermost
        # spatial axis: ONNX Runtime's DFT along a strided axis ran 2-5x slower, so the columns' transforms
        # happen on the transposed tensor, and the mask is applied in that layout.
        z = _dft(x.unsqueeze(-1), lw, 3, False).transpose(2, 3)   # real in, complex out: [N, C, lw, h, 2]
        z = _dft(z, lh, 3, False)                           # [N, C, lw, lh, 2]
        m = self.mask(lh, lw).transpose(2, 3).unsqueeze(-1)
        # narrow/cat export as Slice/Concat; indexing the last axis exported as a Gather that cost more
        # than the products
        ar, ai = z.narrow(-1, 0, 1), z.narrow(-1, 1, 1)
        z = torch.cat([ar * m[0] - ai * m[1], ar * m[1] + ai * m[0]], dim=-1)
        z = _dft(z, lh, 3, True).transpose(2, 3)            # [N, C, lh, lw, 2]
        z = _dft(z, lw, 3, True)
        return z[:, :, :h, :w].narrow(-1, 0, 1).reshape(x.shape)   # the real part (squeeze exports an If)


class AdaptorBlock(nn.Module):
    """F + PW(GELU(DW3x3(F))) + SpectralMask(F); zero-initialised (identity at start)."""

    def __init__(self, channels, k=8):
        super().__init__()
        self.dw = nn.Conv2d(channels, channels, 3, padding=1, groups=channels)
        self.pw = nn.Conv2d(channels, channels, 1)
        nn.init.zeros_(self.pw.weight)
        nn.init.zeros_(self.pw.bias)
        self.spectral = SpectralMask(channels, k)

    def forward(self, x):
        return x + self.pw(F.gelu(self.dw(x))) + self.spectral(x)
