"""Mean-scale hyperprior (Minnen et al. 2018, "Joint autoregressive and hierarchical priors",
without the context model; transforms as in Balle et al. 2018).

    y = g_a(x)          analysis, stride 16, M channels   (encoder side, float, ONNX)
    z = h_a(y)          hyper-analysis, stride 64, N ch.  (encoder side, float, ONNX)
    scales, means = h_s(z_hat)                            (both sides; exported as an INTEGER network)
    x_hat = g_s(y_hat)  synthesis = the "human" adaptor   (decoder side, float, ONNX)

h_s uses ReLU and a final 1x1 conv so that its integer version (lic.inthyper) is cheap and exact.
"""
import torch
import torch.nn as nn

from .entropy import FactorizedPrior, gaussian_likelihood, quantize
from .layers import GDN, conv, deconv

Y_STRIDE = 16
Z_STRIDE = 64


class HyperpriorCodec(nn.Module):
    def __init__(self, N=64, M=96):
        super().__init__()
        self.N, self.M = N, M
        self.g_a = nn.Sequential(
            conv(3, N), GDN(N), conv(N, N), GDN(N), conv(N, N), GDN(N), conv(N, M))
        self.h_a = nn.Sequential(
            conv(M, N, 3, 1), nn.ReLU(inplace=True), conv(N, N), nn.ReLU(inplace=True), conv(N, N))
        self.h_s = nn.Sequential(
            deconv(N, M), nn.ReLU(inplace=True), deconv(M, M), nn.ReLU(inplace=True),
            nn.Conv2d(M, 2 * M, 1))
        self.g_s = nn.Sequential(
            deconv(M, N), GDN(N, inverse=True), deconv(N, N), GDN(N, inverse=True),
            deconv(N, N), GDN(N, inverse=True), deconv(N, 3))
        self.z_prior = FactorizedPrior(N)

    def config(self):
        return {"N": self.N, "M": self.M}

    def hyper_params(self, z_hat):
        scales, means = self.h_s(z_hat).chunk(2, 1)
        return scales, means

    def forward(self, x):
        # Under torch.autocast (train.py --amp bf16) the four transforms run in reduced precision;
        # quantisation and the likelihoods always run in float32 (autocast off, inputs cast up).
        y = self.g_a(x)
        z = self.h_a(y)
        with _fp32(x):
            y, z = y.float(), z.float()
            z_noisy, z_likelihoods = self.z_prior(z)
        # h_s and g_s see rounded latents (straight-through), as they will after deployment;
        # the rate terms use additive noise (Minnen & Singh 2020, "Channel-wise autoregressive ...").
        scales, means = self.hyper_params(_ste_round(z) if self.training else z_noisy)
        with _fp32(x):
            scales, means = scales.float(), means.float()
            y_noisy = quantize(y, self.training, means)
            y_likelihoods = gaussian_likelihood(y_noisy, scales, means)
            y_hat = _ste_round(y - means) + means if self.training else y_noisy
        x_hat = self.g_s(y_hat)
        return {"x_hat": x_hat, "y_likelihoods": y_likelihoods, "z_likelihoods": z_likelihoods}


def _fp32(x):
    """Autocast switched off on x's device type (a no-op context when autocast is not in use)."""
    return torch.autocast(device_type=x.device.type, enabled=False)


def _ste_round(x):
    return x + (torch.round(x) - x).detach()


class EncoderGraph(nn.Module):
    """What encoder.onnx computes: image in [0,1] -> (y, z), both float."""

    def __init__(self, codec):
        super().__init__()
        self.g_a, self.h_a = codec.g_a, codec.h_a

    def forward(self, image):
        y = self.g_a(image)
        return y, self.h_a(y)


class SynthesisGraph(nn.Module):
    """What the human adaptor's synthesis.onnx computes: y_hat -> image (unclamped, ~[0,1])."""

    def __init__(self, codec):
        super().__init__()
        self.g_s = codec.g_s

    def forward(self, y_hat):
        return self.g_s(y_hat)
