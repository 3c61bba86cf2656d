"""Entropy models used during training.

FactorizedPrior: the univariate non-parametric density of Balle et al. 2018 ("Variational image
compression with a scale hyperprior", appendix 6.1), one density per channel, for z.
GaussianConditional: N(mu, sigma) convolved with U(-1/2, 1/2), for y given the hyperprior.
Both return likelihoods of the noisy (training) or rounded (evaluation) latents; the rate is
-sum(log2(likelihood)).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

LIKELIHOOD_BOUND = 1e-9
SCALE_BOUND = 0.11


def quantize(x, training, means=None):
    """Additive uniform noise while training, rounding (around the means) otherwise."""
    if training:
        return x + torch.empty_like(x).uniform_(-0.5, 0.5)
    if means is None:
        return torch.round(x)
    return torch.round(x - means) + means


class FactorizedPrior(nn.Module):
    def __init__(self, channels, filters=(3, 3, 3), init_scale=10.0):
        super().__init__()
        self.channels = channels
        dims = (1,) + tuple(filters) + (1,)
        scale = init_scale ** (1 / (len(filters) + 1))
        self.matrices = nn.ParameterList()
        self.biases = nn.ParameterList()
        self.factors = nn.ParameterList()
        for i in range(len(filters) + 1):
            init = math.log(math.expm1(1 / scale / dims[i + 1]))
            self.matrices.append(nn.Parameter(torch.full((channels, dims[i + 1], dims[i]), init)))
            self.biases.append(nn.Parameter(torch.empty(channels, dims[i + 1], 1).uniform_(-0.5, 0.5)))
            if i < len(filters):
                self.factors.append(nn.Parameter(torch.zeros(channels, dims[i + 1], 1)))

    def logits_cumulative(self, x):
        """x: (C, 1, K) values -> (C, 1, K) logits of the cumulative distribution."""
        for i, (m, b) in enumerate(zip(self.matrices, self.biases)):
            x = torch.matmul(F.softplus(m), x) + b
            if i < len(self.factors):
                x = x + torch.tanh(self.factors[i]) * torch.tanh(x)
        return x

    def cdf(self, values):
        """values: (C, K) -> cumulative probability at those points, (C, K)."""
        return torch.sigmoid(self.logits_cumulative(values.unsqueeze(1))).squeeze(1)

    def likelihood(self, z_hat):
        b, c, h, w = z_hat.shape
        v = z_hat.permute(1, 0, 2, 3).reshape(c, 1, -1)
        lower = self.logits_cumulative(v - 0.5)
        upper = self.logits_cumulative(v + 0.5)
        # Subtract in the tail where it is numerically safer (flip sign of both logits).
        sign = -torch.sign(lower + upper).detach()
        lik = torch.abs(torch.sigmoid(sign * upper) - torch.sigmoid(sign * lower))
        lik = lik.reshape(c, b, h, w).permute(1, 0, 2, 3)
        return torch.clamp(lik, min=LIKELIHOOD_BOUND)

    def forward(self, z):
        z_hat = quantize(z, self.training)
        return z_hat, self.likelihood(z_hat)


def gaussian_likelihood(y_hat, scales, means):
    scales = torch.clamp(scales, min=SCALE_BOUND)
    v = torch.abs(y_hat - means)
    upper = _std_normal_cdf((0.5 - v) / scales)
    lower = _std_normal_cdf((-0.5 - v) / scales)
    return torch.clamp(upper - lower, min=LIKELIHOOD_BOUND)


def _std_normal_cdf(x):
    return 0.5 * torch.erfc(-x / math.sqrt(2))
