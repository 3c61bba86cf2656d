"""The S-adaptor: the frozen base analysis g_a with adaptor blocks on its inner stage outputs.

arXiv 2504.12997 places one shared adaptor in the analysis stages so that the one bitstream serves every
machine task; the T-adaptors (lic.adapt.tsynthesis) then decode it per task. Here an AdaptorBlock
(lic.adapt.spectral) follows the second and third analysis stages (1/4 and 1/8 resolution, 128 channels each
for hyperprior-vr: 68,352 parameters, 1.4 % of the codec; with a 2.4 % T-adaptor a task costs 3.8 %, under
issue 9's 5 %). Not after the first stage: a block at 1/2 resolution needs the backward pass through the
second stage, the analysis's largest convolution, which dominated the first CPU timings (the encoder's
backward took about half of a training step); with the blocks at 1/4 and 1/8 the stages before the first
block run without gradients. The blocks start at zero, so an untrained S-adaptor encodes
exactly like the base codec.

The hyper-analysis, the entropy model, the integer hyper-synthesis and the synthesis stay the base codec's,
so an S-adapted bitstream is an ordinary bitstream of the base format; only encoder.onnx differs, which
gives the S-adapted codec its own codec id (docs/codec-pack.md) and tells its bitstreams apart.
"""
import torch
import torch.nn as nn

from .spectral import AdaptorBlock

DEFAULT_STAGES = (1, 2)


class SharedAnalysis(nn.Module):
    def __init__(self, g_a, k=8, stages=DEFAULT_STAGES):
        super().__init__()
        self.g_a = g_a
        for p in self.g_a.parameters():
            p.requires_grad_(False)
        self.stages = tuple(stages)
        if not self.stages or any(i < 0 or i >= len(g_a) - 1 for i in self.stages):
            raise ValueError(f"adaptor stages must be inner stages 0..{len(g_a) - 2}: {stages}")
        self.blocks = nn.ModuleList([AdaptorBlock(g_a[i].conv.out_channels, k) for i in self.stages])

    def adaptor_parameters(self):
        return list(self.blocks.parameters())

    def forward(self, x):
        h = x
        first = min(self.stages)
        for i, stage in enumerate(self.g_a):
            if i <= first:
                with torch.no_grad():        # frozen and before every block: no gradient can reach it
                    h = stage(h)
            else:
                h = stage(h)
            if i in self.stages:
                # stage i halves the (padded) input i + 1 times: the block's size from x's
                # (see SpectralMask.forward)
                size = (x.shape[2] // 2 ** (i + 1), x.shape[3] // 2 ** (i + 1))
                h = self.blocks[self.stages.index(i)](h, size)
        return h

    def train(self, mode=True):
        super().train(mode)
        self.g_a.eval()       # frozen
        return self
