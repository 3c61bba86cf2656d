"""Layers of the analysis/synthesis transforms.

GDN follows Balle et al. 2016, "Density modeling of images using a generalized normalization
transformation", with the reparametrisation of Balle 2018 (square of a lower-bounded parameter) so
that beta stays positive and gamma non-negative during training. It is written with conv1x1 and
sqrt so that it exports to plain ONNX operators.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

_PEDESTAL = 2 ** -18


def _lower_bound(x, bound):
    # Gradient passes where x > bound or where it would move x upward (Balle's LowerBound).
    return torch.max(x, torch.full_like(x, bound)) if not x.requires_grad else _LowerBound.apply(x, bound)


class _LowerBound(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, bound):
        ctx.save_for_backward(x)
        ctx.bound = bound
        return torch.clamp(x, min=bound)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        pass_through = (x >= ctx.bound) | (grad < 0)
        return grad * pass_through.to(grad.dtype), None


class GDN(nn.Module):
    """y_i = x_i / sqrt(beta_i + sum_j gamma_ij x_j^2); inverse=True gives IGDN (multiply)."""

    def __init__(self, channels, inverse=False, beta_min=1e-6, gamma_init=0.1):
        super().__init__()
        self.inverse = inverse
        self.beta_bound = (beta_min + _PEDESTAL) ** 0.5
        self.beta = nn.Parameter(torch.sqrt(torch.ones(channels) + _PEDESTAL))
        self.gamma = nn.Parameter(torch.sqrt(gamma_init * torch.eye(channels) + _PEDESTAL))

    def effective_params(self):
        beta = _lower_bound(self.beta, self.beta_bound) ** 2 - _PEDESTAL
        gamma = _lower_bound(self.gamma, _PEDESTAL ** 0.5) ** 2 - _PEDESTAL
        return beta, gamma

    def forward(self, x):
        beta, gamma = self.effective_params()
        c = x.shape[1]
        norm = F.conv2d(x * x, gamma.view(c, c, 1, 1), beta)
        norm = torch.sqrt(norm)
        return x * norm if self.inverse else x / norm


def conv(cin, cout, k=5, stride=2):
    return nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2)


def deconv(cin, cout, k=5, stride=2):
    # output = stride * input exactly (docs/codec-pack.md fixes padding=k//2, output_padding=stride-1).
    return nn.ConvTranspose2d(cin, cout, k, stride=stride, padding=k // 2, output_padding=stride - 1)
