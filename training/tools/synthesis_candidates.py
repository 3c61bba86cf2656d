"""Export candidate synthesis (decoder) graphs with random weights, to time them in ONNX Runtime.

    cd training && /usr/bin/python3 tools/synthesis_candidates.py [OUT_DIR]    # default /tmp/synthesis-candidates

Writes OUT_DIR/<name>.onnx for each candidate and OUT_DIR/info.json ({name: {gmac, params}}), which
bench's OnnxGraphTiming reads for its GMAC column (docs/synthesis-speed.md). Every graph maps a latent
[1, C, 32, 48] (a 512x768 Kodak image at stride 16) to an image [1, 3, 512, 768]; weights are random
(seed 0): only the speed is measured. All graphs are exported like lic.export does (TorchScript exporter,
opset 13, constant folding) with a fixed input shape.

Candidates (C = 192 latent channels unless said; "sub-pixel stage" = 3x3 conv to 4*cout channels +
depth-to-space, then IGDN except on the last stage):
    A     sub-pixel stages, widths 128/96/48, each stage with a 1x1 sub-pixel shortcut (cin -> 4*cout)
    B     as A, widths 128/64/32
    C     as A, widths 160/96/64
    D     as A without the shortcuts
    E     v1-style: 5x5 stride-2 ConvTranspose + IGDN, widths 128/128/128
    F     E at the v1 codec's size: C = 96, widths 64/64/64 (the shipped hyperprior-s synthesis)
    A-nn  as A, but nearest-neighbour upsampling then the 3x3 conv (and shortcut) at the high resolution
    V2    the shipped design: lic.model_vr.VariableRateCodec().g_s (widths 128/64/32, no per-stage
          shortcut, one linear 1x1 path from y to 16x16 pixel patches), GDNs frozen as lic.export does

GMAC counts the multiply-adds of the graph's Conv and ConvTranspose nodes (from ONNX shape inference), so
it covers exactly what was exported; element-wise ops are not counted.
"""
import json
import os
import sys

import onnx
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # run from training/ or not
from lic.export import OPSET, frozen  # noqa: E402
from lic.model_vr import SynthesisGraph, VariableRateCodec  # noqa: E402

H, W = 32, 48
OUT_SHAPE = (1, 3, 16 * H, 16 * W)


class IGDN(nn.Module):
    """x * sqrt(beta + gamma (x*x)) as one 1x1 conv, the form lic.export freezes GDN into."""

    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 1)
        with torch.no_grad():  # positive gamma and beta, as a trained GDN has: sqrt of a positive number
            self.conv.weight.copy_(torch.randn(c, c, 1, 1).abs() * (0.1 / c) + 0.1 * torch.eye(c).view(c, c, 1, 1))
            self.conv.bias.fill_(1.0)

    def forward(self, x):
        return x * torch.sqrt(self.conv(x * x))


class Up(nn.Module):
    """One x2 stage. mode "ps": 3x3 conv -> PixelShuffle; "nn": nearest upsample -> 3x3 conv."""

    def __init__(self, cin, cout, last, shortcut=True, mode="ps"):
        super().__init__()
        self.mode = mode
        if mode == "ps":
            self.main = nn.Sequential(nn.Conv2d(cin, 4 * cout, 3, padding=1), nn.PixelShuffle(2))
            self.sc = nn.Sequential(nn.Conv2d(cin, 4 * cout, 1), nn.PixelShuffle(2)) if shortcut else None
        else:
            self.up = nn.Upsample(scale_factor=2, mode="nearest")
            self.main = nn.Conv2d(cin, cout, 3, padding=1)
            self.sc = nn.Conv2d(cin, cout, 1) if shortcut else None
        self.igdn = None if last else IGDN(cout)

    def forward(self, x):
        if self.mode == "nn":
            x = self.up(x)
        y = self.main(x)
        if self.igdn is not None:
            y = self.igdn(y)
        return y + self.sc(x) if self.sc is not None else y


def sub_pixel(widths, shortcut=True, mode="ps", cin=192):
    chans = [cin, *widths, 3]
    return nn.Sequential(*[Up(chans[i], chans[i + 1], i == 3, shortcut, mode) for i in range(4)])


def transposed(chans):
    layers = []
    for i in range(4):
        layers.append(nn.ConvTranspose2d(chans[i], chans[i + 1], 5, stride=2, padding=2, output_padding=1))
        if i < 3:
            layers.append(IGDN(chans[i + 1]))
    return nn.Sequential(*layers)


def shipped_v2():
    """(module to count parameters of, module to export): the GDNs are frozen for export only."""
    m = VariableRateCodec().eval()
    for p in m.parameters():  # plain ops (no autograd.Function) in the traced graph, as lic.export does
        p.requires_grad_(False)
    return m.g_s, frozen(SynthesisGraph(m)).eval()


CANDIDATES = {  # name -> (latent channels, factory returning (model, graph to export))
    "A": (192, lambda: sub_pixel((128, 96, 48))),
    "B": (192, lambda: sub_pixel((128, 64, 32))),
    "C": (192, lambda: sub_pixel((160, 96, 64))),
    "D": (192, lambda: sub_pixel((128, 96, 48), shortcut=False)),
    "E": (192, lambda: transposed([192, 128, 128, 128, 3])),
    "F": (96, lambda: transposed([96, 64, 64, 64, 3])),
    "A-nn": (192, lambda: sub_pixel((128, 96, 48), mode="nn")),
    "V2": (192, shipped_v2),
}


def conv_macs(path):
    """Multiply-adds of the Conv / ConvTranspose nodes of a graph with static shapes."""
    g = onnx.shape_inference.infer_shapes(onnx.load(path)).graph
    shapes = {v.name: [d.dim_value for d in v.type.tensor_type.shape.dim]
              for v in [*g.input, *g.value_info, *g.output]}
    weights = {t.name: list(t.dims) for t in g.initializer}
    macs = 0
    for n in g.node:
        if n.op_type not in ("Conv", "ConvTranspose"):
            continue
        w = weights[n.input[1]]  # Conv [cout, cin/g, kh, kw]; ConvTranspose [cin, cout/g, kh, kw]
        per_tap = w[1] * w[2] * w[3]
        # Conv: each output element reads cin/g * kh * kw inputs; ConvTranspose: each input element is
        # scattered to cout/g * kh * kw outputs.
        elems = shapes[n.output[0]] if n.op_type == "Conv" else shapes[n.input[0]]
        count = 1
        for d in elems:
            assert d > 0, f"{path}: unknown shape at {n.name}"
            count *= d
        macs += count * per_tap
    return macs


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "/tmp/synthesis-candidates"
    os.makedirs(out, exist_ok=True)
    info = {}
    for name, (cin, make) in CANDIDATES.items():
        torch.manual_seed(0)
        made = make()
        model, graph = made if isinstance(made, tuple) else (made, made)
        graph.eval()
        x = torch.randn(1, cin, H, W) * 2
        with torch.no_grad():
            y = graph(x)
        assert tuple(y.shape) == OUT_SHAPE and torch.isfinite(y).all(), (name, y.shape)
        path = os.path.join(out, name + ".onnx")
        torch.onnx.export(graph, torch.zeros(1, cin, H, W), path, opset_version=OPSET, do_constant_folding=True,
                          input_names=["y_hat"], output_names=["image"])
        onnx.checker.check_model(path)
        info[name] = {"gmac": round(conv_macs(path) / 1e9, 3), "params": sum(p.numel() for p in model.parameters())}
        print(name, info[name], flush=True)
    with open(os.path.join(out, "info.json"), "w") as f:
        json.dump(info, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
