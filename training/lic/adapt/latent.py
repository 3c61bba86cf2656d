"""What the decoder hands an adaptor: y_dec of docs/bitstream.md step 5, from the frozen torch codec.

Same quantisation as the real encoder (hard rounding around the hyperprior means); the hyper-synthesis is
the float one here (the shipped decoder's integer h_s gives means equal to within its rounding, which
moves a handful of symbols by one step at most)."""
import torch

from ..entropy import quantize


@torch.no_grad()
def decoded_latent(codec, x, rate):
    """x [B,3,H,W] in [0,1] (H, W multiples of 64), rate LongTensor [B] -> y_dec [B, M, H/16, W/16]."""
    gain, inv_gain = codec.gains(rate)
    yg = codec.g_a(x) * gain
    z_hat = quantize(codec.h_a(yg), False)
    _, means = codec.hyper_params(z_hat)
    return (torch.round(yg - means) + means) * inv_gain
