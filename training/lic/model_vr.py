"""Variable-rate mean-scale hyperprior (codec v2): one set of transforms, many rates.

    y  = g_a(x)                      analysis, stride 16, M channels
    yg = y * gain[r]                 per-rate, per-channel gain (Cui et al. 2021, "Asymmetric gained
                                     deep image compression with continuous rate adaptation", CVPR)
    z  = h_a(yg)                     hyper-analysis, stride 64, N channels
    scales, means = h_s(z_hat)       rate-agnostic: z carries the gain; exported as an INTEGER network
    yg_hat = round(yg - means) + means
    x_hat = g_s(yg_hat * inv_gain[r])  the synthesis (and every adaptor) sees rate-independent latents

Rate r is a request parameter; the encoder graph takes gain[r] as an input, the decoder multiplies by
inv_gain[r] before the adaptor graph (docs/codec-pack.md, gains.bin).

Transforms (built so that they train fast and decode fast on a CPU):
- analysis stages: 5x5 stride-2 conv + GDN, plus a linear wavelet shortcut (Haar-style space-to-depth
  followed by an orthogonally initialised 1x1 projection), after AuxT (Li et al., ICLR 2025, "On
  disentangled training for nonlinear transform in learned image compression"), which reports 2-3x
  faster convergence;
- synthesis stages: sub-pixel convolution (3x3 conv to 4*C channels + depth-to-space, Shi et al. 2016)
  + IGDN, with widths that shrink towards full resolution (128, 64, 32), plus one linear path from y to
  16x16 pixel patches. In ONNX Runtime Java on 2 cores the sub-pixel designs run at 63-79 GMAC/s, the
  ConvTranspose ones at 41-60, and a ConvTranspose synthesis of this size takes 3.5x as long
  (measured; docs/synthesis-speed.md);
- h_s: transposed convs + ReLU + final 1x1, as lic.inthyper quantises it.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from .entropy import FactorizedPrior, gaussian_likelihood
from .layers import GDN, conv, deconv
from .model import _fp32, _ste_round

# MSE lambdas of the 8 rate indexes (about x1.7 apart): about 0.1 to 1 bpp on Kodak. The first GPU run
# used 0.0016..0.06 and covered only 0.26..1.3 bpp, so its continuation moved to these.
LAMBDAS = (0.0007, 0.0012, 0.002, 0.0034, 0.0058, 0.0099, 0.017, 0.029)


class WaveletShortcutDown(nn.Module):
    """Linear stride-2 branch: space-to-depth (the 2x2 Haar support) then a 1x1 projection, computed as
    the equivalent 2x2 stride-2 convolution (one Conv in ONNX instead of reshapes and a transpose)."""

    def __init__(self, cin, cout):
        super().__init__()
        self.cin = cin
        self.proj = nn.Conv2d(4 * cin, cout, 1, bias=False)
        _orthogonal_haar_init(self.proj.weight, cin)

    def forward(self, x):
        # pixel_unshuffle puts pixel (dy, dx) of channel c at c*4 + dy*2 + dx: a [cout, cin, 2, 2] kernel.
        w = self.proj.weight.view(self.proj.out_channels, self.cin, 2, 2)
        return F.conv2d(x, w, stride=2)


class LinearSynthesisPath(nn.Module):
    """The synthesis's linear path: one 1x1 projection of y to 16x16 RGB patches + depth-to-space.
    Per-stage shortcuts cost ~30 % of the decode time in ONNX Runtime (extra layout conversions around
    each DepthToSpace, measured in ORT Java); one global path costs 0.23 GMAC on a Kodak image."""

    def __init__(self, cin, stride=16):
        super().__init__()
        self.stride = stride
        self.proj = nn.Conv2d(cin, 3 * stride * stride, 1, bias=False)
        nn.init.orthogonal_(self.proj.weight)

    def forward(self, y):
        return F.pixel_shuffle(self.proj(y), self.stride)


class Synthesis(nn.Module):
    """Sub-pixel stages (3x3 conv to 4*C + depth-to-space, IGDN), plus the linear path when enabled."""

    def __init__(self, M, widths, linear=True):
        super().__init__()
        c1, c2, c3 = widths
        self.stages = nn.Sequential(
            SynthesisStage(M, c1), SynthesisStage(c1, c2), SynthesisStage(c2, c3), SynthesisStage(c3, 3, igdn=False))
        self.linear = LinearSynthesisPath(M) if linear else None

    def forward(self, y):
        x = self.stages(y)
        return x + self.linear(y) if self.linear is not None else x


def _orthogonal_haar_init(weight, cin):
    """1x1 weight [cout, 4*cin] = (orthogonal projection) x (orthonormal 2x2 Haar transform per channel).

    pixel_unshuffle orders channels c*4 + (dy*2 + dx); Haar rows LL, LH, HL, HH over (dy, dx)."""
    haar = 0.5 * torch.tensor([[1, 1, 1, 1], [1, -1, 1, -1], [1, 1, -1, -1], [1, -1, -1, 1]], dtype=torch.float32)
    h = torch.block_diag(*([haar] * cin))                      # [4cin, 4cin], orthonormal
    p = torch.empty(weight.shape[0], 4 * cin)
    nn.init.orthogonal_(p)
    with torch.no_grad():
        weight.copy_((p @ h).view_as(weight))


class AnalysisStage(nn.Module):
    def __init__(self, cin, cout, gdn=True, shortcut=True):
        super().__init__()
        self.conv = conv(cin, cout)
        self.gdn = GDN(cout) if gdn else None
        self.shortcut = WaveletShortcutDown(cin, cout) if shortcut else None

    def forward(self, x):
        h = self.conv(x)
        if self.gdn is not None:
            h = self.gdn(h)
        return h + self.shortcut(x) if self.shortcut is not None else h


class SynthesisStage(nn.Module):
    def __init__(self, cin, cout, igdn=True):
        super().__init__()
        self.conv = nn.Conv2d(cin, 4 * cout, 3, padding=1)
        self.igdn = GDN(cout, inverse=True) if igdn else None

    def forward(self, x):
        h = F.pixel_shuffle(self.conv(x), 2)
        return self.igdn(h) if self.igdn is not None else h


class VariableRateCodec(nn.Module):
    def __init__(self, N=128, M=192, widths=(128, 64, 32), lambdas=LAMBDAS, shortcut=True, analysis=128):
        super().__init__()
        self.N, self.M = N, M
        self.widths = tuple(widths)
        self.analysis = analysis
        self.shortcut = shortcut
        self.register_buffer("lambdas", torch.tensor(lambdas, dtype=torch.float32))
        a = analysis
        self.g_a = nn.Sequential(
            AnalysisStage(3, a, shortcut=shortcut), AnalysisStage(a, a, shortcut=shortcut),
            AnalysisStage(a, a, shortcut=shortcut), AnalysisStage(a, M, gdn=False, shortcut=shortcut))
        self.h_a = nn.Sequential(
            conv(M, N, 3, 1), nn.ReLU(inplace=True), conv(N, N), nn.ReLU(inplace=True), conv(N, N))
        self.h_s = nn.Sequential(
            deconv(N, N, 5), nn.ReLU(inplace=True), deconv(N, N, 3), nn.ReLU(inplace=True),
            nn.Conv2d(N, 2 * M, 1))
        self.g_s = Synthesis(M, self.widths, linear=shortcut)
        self.z_prior = FactorizedPrior(N)
        # Gains ~ sqrt(lambda): the high-rate optimum of a uniform quantiser's step is 1/sqrt(lambda).
        r = len(lambdas)
        ref = lambdas[r // 2]
        init = torch.tensor([0.5 * math.log(l / ref) for l in lambdas]).view(r, 1).repeat(1, M)
        self.log_gain = nn.Parameter(init.clone())
        self.log_inv_gain = nn.Parameter(-init.clone())

    @property
    def rates(self):
        return len(self.lambdas)

    def config(self):
        return {"arch": "vr1", "N": self.N, "M": self.M, "widths": list(self.widths), "analysis": self.analysis,
                "lambdas": [float(v) for v in self.lambdas], "shortcut": self.shortcut}

    def gains(self, rate):
        """(gain, inv_gain) of rate indexes `rate` (LongTensor [B]), each [B, M, 1, 1]."""
        return (self.log_gain[rate].exp()[:, :, None, None], self.log_inv_gain[rate].exp()[:, :, None, None])

    def hyper_params(self, z_hat):
        scales, means = self.h_s(z_hat).chunk(2, 1)
        return scales, means

    def forward(self, x, rate):
        """x [B,3,H,W] in [0,1]; rate LongTensor [B] of rate indexes. Likelihoods are per element."""
        gain, inv_gain = self.gains(rate)
        y = self.g_a(x)
        with _fp32(x):
            yg = y.float() * gain
        z = self.h_a(yg)
        with _fp32(x):
            z = z.float()
            z_noisy, z_likelihoods = self.z_prior(z)
        scales, means = self.hyper_params(_ste_round(z) if self.training else z_noisy)
        with _fp32(x):
            scales, means = scales.float(), means.float()
            if self.training:
                yg_noisy = yg + torch.empty_like(yg).uniform_(-0.5, 0.5)
                y_likelihoods = gaussian_likelihood(yg_noisy, scales, means)
                yg_hat = _ste_round(yg - means) + means
            else:
                yg_hat = torch.round(yg - means) + means
                y_likelihoods = gaussian_likelihood(yg_hat, scales, means)
            y_hat = yg_hat * inv_gain
        x_hat = self.g_s(y_hat)
        return {"x_hat": x_hat, "y_likelihoods": y_likelihoods, "z_likelihoods": z_likelihoods}


class EncoderGraph(nn.Module):
    """What encoder.onnx of a v2 pack computes: (image in [0,1], gain [1,M,1,1]) -> (y*gain, z)."""

    def __init__(self, codec):
        super().__init__()
        self.g_a, self.h_a = codec.g_a, codec.h_a

    def forward(self, image, gain):
        y = self.g_a(image) * gain
        return y, self.h_a(y)


class SynthesisGraph(nn.Module):
    """What the human adaptor's synthesis.onnx computes: rate-independent y_hat -> image (~[0,1])."""

    def __init__(self, codec):
        super().__init__()
        self.g_s = codec.g_s

    def forward(self, y_hat):
        return self.g_s(y_hat)
