"""A T-adaptor: the frozen base synthesis with adaptor blocks on its stage outputs.

The base codec's synthesis (model_vr.Synthesis) runs y_dec [1/16] -> 128 ch [1/8] -> 64 [1/4] -> 32 [1/2]
-> RGB, plus a linear y -> 16x16-patch path. A T-adaptor adds one AdaptorBlock on y_dec and one after each
of the three inner stages; the base weights stay frozen, so the same bitstream still decodes for humans
with the plain synthesis, and a task decode costs the blocks on top.
"""
import torch.nn as nn

from .spectral import AdaptorBlock


class TaskSynthesis(nn.Module):
    def __init__(self, g_s, k=8):
        super().__init__()
        self.g_s = g_s
        for p in self.g_s.parameters():
            p.requires_grad_(False)
        m = g_s.stages[0].conv.in_channels
        widths = [st.conv.out_channels // 4 for st in g_s.stages[:3]]
        self.blocks = nn.ModuleList([AdaptorBlock(c, k) for c in [m] + widths])

    def adaptor_parameters(self):
        return list(self.blocks.parameters())

    def forward(self, y):
        # each stage doubles the size: the blocks get theirs from y's (see SpectralMask.forward)
        height, width = y.shape[2], y.shape[3]
        h = self.blocks[0](y, (height, width))
        for k, (stage, block) in enumerate(zip(self.g_s.stages[:3], self.blocks[1:]), start=1):
            h = block(stage(h), (height * 2 ** k, width * 2 ** k))
        x = self.g_s.stages[3](h)
        return x + self.g_s.linear(y) if self.g_s.linear is not None else x

    def train(self, mode=True):
        super().train(mode)
        self.g_s.eval()       # frozen: no batch-statistics or dropout behaviour may change
        return self
