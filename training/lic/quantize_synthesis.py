"""An int8 synthesis graph: the float `g_s` ONNX graph rewritten in QDQ form for ONNX Runtime.

    python3 -m lic.quantize_synthesis --pack ../adaptors/src/main/resources/lic/packs/adaptors/human-hyperprior-vr \
        --out ../adaptors/src/main/resources/lic/packs/adaptors/human-int8-hyperprior-vr --version 2

Why: the synthesis is most of a decode's CPU (docs/benchmarks.md), and ONNX Runtime runs a convolution
whose input, weights and output are 8-bit (QLinearConv, VNNI on x86) several times faster than in float.

What changes: each 3x3 convolution with at least MIN_OUT_CHANNELS outputs (the first three sub-pixel
stages, where nearly all multiply-adds are) gets
  QuantizeLinear/DequantizeLinear on its input (uint8, per tensor), int8 weights (symmetric, per output
  channel), an int32 bias at scale s_x * s_w, and QuantizeLinear/DequantizeLinear on its output (uint8),
which ONNX Runtime fuses into QLinearConv. IGDN, the depth-to-space steps, the last stage and the 1x1
linear path stay float. Activation ranges come from decoding latents of training photos (not Kodak, which
measures the result) at every rate through the float graph: per channel, the [lo, hi] percentiles, and
per tensor the widest of those (`tensor_range`). On Kodak (docs/benchmarks.md) the int8 graph costs
0.01-0.06 dB of PSNR and half the CPU of the float one.
"""
import argparse
import json
import os

import numpy as np
import onnx
import torch
from onnx import helper, numpy_helper

from .adapt.onnx_import import OnnxModule
from .human_selftest import add_selftest


def calibration_latents(codec_checkpoint, data, images, crop, seed=0):
    """y_dec of `images` photo crops at every rate of the codec: what the decoder hands the synthesis."""
    from .adapt.latent import decoded_latent
    from .data import CropSampler
    from .train_vr import load_model
    codec, _ = load_model(codec_checkpoint)
    codec.eval()
    sampler = CropSampler(data, crop=crop, seed=seed, scale_range=(1.0, 1.0))
    out = []
    for _ in range(images):
        x = sampler.batch(1).repeat(codec.rates, 1, 1, 1)
        out.append(decoded_latent(codec, x, torch.arange(codec.rates)))
    return out


# Convolutions with fewer outputs stay float: ONNX Runtime's int8 kernel is no faster for them (the last
# stage's 12 outputs: 7.8 ms in int8, 8.0 ms in float on a Kodak image), and quantising the input and the
# output of the stage that writes the pixels costs the most PSNR of the remaining tensors.
MIN_OUT_CHANNELS = 32


def quantized_convs(model):
    """The Conv nodes to quantise: 3x3 kernels (the synthesis stages) with at least MIN_OUT_CHANNELS outputs."""
    inits = {t.name: t for t in model.graph.initializer}
    return [n for n in model.graph.node
            if n.op_type == "Conv" and n.input[1] in inits and list(inits[n.input[1]].dims[2:]) == [3, 3]
            and inits[n.input[1]].dims[0] >= MIN_OUT_CHANNELS]


@torch.no_grad()
def activation_ranges(model, latents, names, percentile):
    """{tensor name: (lo[C], hi[C])}: per channel, the mean over calibration batches of each batch's
    `percentile` extremes (robust to the rare outlier a plain min/max would stretch the scale for)."""
    net = OnnxModule(model).eval()
    acc = {n: [] for n in names}
    probs = torch.tensor([1 - percentile / 100, percentile / 100])
    for y in latents:
        vals = net(y, outputs=names)
        for n in names:
            v = vals[n].transpose(0, 1).reshape(vals[n].shape[1], -1)
            if v.numel() > 8_000_000:  # torch.quantile's size limit: a fixed random subset of positions
                keep = torch.randperm(v.shape[1], generator=torch.Generator().manual_seed(0))
                v = v[:, keep[:8_000_000 // v.shape[0]]]
            acc[n].append(torch.quantile(v, probs, dim=1).numpy())
    return {n: tuple(np.mean(r, axis=0)) for n, r in acc.items()}


def tensor_range(channel_ranges):
    """A tensor's quantisation range: the widest of its channels' ranges. (Per-channel scaling of the
    input, folded into the weights, measured worse: channels quiet at low rates are loud at high ones.)"""
    lo, hi = channel_ranges
    return float(np.min(lo)), float(np.max(hi))


def _uint8_params(lo, hi):
    """Scale and zero point of an asymmetric uint8 range that holds 0 exactly (padding is zero)."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    scale = max(hi - lo, 1e-8) / 255.0
    zero_point = int(np.clip(round(-lo / scale), 0, 255))
    return np.float32(scale), np.uint8(zero_point)


def quantize(model, ranges):
    """A copy of `model` with every quantised conv in QDQ form (see the module docstring)."""
    model = onnx.ModelProto.FromString(model.SerializeToString())
    graph = model.graph
    inits = {t.name: t for t in graph.initializer}
    new_inits, new_nodes = [], []
    renamed = {}  # float conv output -> its dequantised copy, for the conv's consumers

    def const(name, value):
        new_inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def qdq(tensor, lo, hi, tag):
        s, zp = _uint8_params(lo, hi)
        scale, zero = const(f"{tag}.scale", s), const(f"{tag}.zero_point", zp)
        new_nodes.append(helper.make_node("QuantizeLinear", [tensor, scale, zero], [f"{tag}.q"]))
        new_nodes.append(helper.make_node("DequantizeLinear", [f"{tag}.q", scale, zero], [f"{tag}.dq"]))
        return f"{tag}.dq", s

    targets = {n.output[0] for n in quantized_convs(model)}  # protobuf wrappers have no stable id()
    for node in graph.node:
        node.input[:] = [renamed.get(i, i) for i in node.input]
        if node.output[0] not in targets:
            new_nodes.append(node)
            continue
        tag = node.name or node.output[0]
        x_dq, s_x = qdq(node.input[0], *tensor_range(ranges[node.input[0]]), f"{tag}.in")
        w = numpy_helper.to_array(inits[node.input[1]]).astype(np.float32)
        s_w = np.maximum(np.abs(w).reshape(w.shape[0], -1).max(axis=1), 1e-8) / 127.0
        w_q = np.clip(np.round(w / s_w[:, None, None, None]), -127, 127).astype(np.int8)
        w_scale = const(f"{tag}.w.scale", s_w.astype(np.float32))
        w_zero = const(f"{tag}.w.zero_point", np.zeros(w.shape[0], np.int8))
        new_nodes.append(helper.make_node("DequantizeLinear", [const(f"{tag}.w.q", w_q), w_scale, w_zero],
                                          [f"{tag}.w.dq"], axis=0))
        inputs = [x_dq, f"{tag}.w.dq"]
        if len(node.input) > 2:
            b = numpy_helper.to_array(inits[node.input[2]]).astype(np.float64)
            s_b = (s_x * s_w).astype(np.float32)
            b_q = np.round(b / s_b).astype(np.int32)
            new_nodes.append(helper.make_node(
                "DequantizeLinear", [const(f"{tag}.b.q", b_q), const(f"{tag}.b.scale", s_b),
                                     const(f"{tag}.b.zero_point", np.zeros(len(b_q), np.int32))],
                [f"{tag}.b.dq"], axis=0))
            inputs.append(f"{tag}.b.dq")
        conv = helper.make_node("Conv", inputs, [node.output[0]], name=node.name)
        conv.attribute.extend(node.attribute)
        new_nodes.append(conv)
        renamed[node.output[0]], _ = qdq(node.output[0], *tensor_range(ranges[node.output[0]]), f"{tag}.out")
    for o in graph.output:
        o.name = renamed.get(o.name, o.name)
    used = {i for n in new_nodes for i in n.input}
    kept = [t for t in graph.initializer if t.name in used]
    del graph.node[:]
    graph.node.extend(new_nodes)
    del graph.initializer[:]
    graph.initializer.extend(kept + new_inits)
    onnx.checker.check_model(model)
    return model


def quantize_pack(pack_in, pack_out, version, codec_pack, codec_checkpoint, data, images, crop, percentile):
    """A human pack at `pack_out`: `pack_in`'s name and codec, version `version`, its graph in int8, and a
    self-test whose expected RGB is the int8 graph's own output (lic.human_selftest). Returns the ranges."""
    with open(os.path.join(pack_in, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    if manifest.get("task") != "image":
        raise ValueError(f"{pack_in}: not an image (human) pack")
    graph_file = manifest["graph"]["file"]
    model = onnx.load(os.path.join(pack_in, graph_file))
    convs = quantized_convs(model)
    names = sorted({n.input[0] for n in convs} | {n.output[0] for n in convs})
    latents = calibration_latents(codec_checkpoint, data, images, crop)
    ranges = activation_ranges(model, latents, names, percentile)
    os.makedirs(pack_out, exist_ok=True)
    onnx.save(quantize(model, ranges), os.path.join(pack_out, graph_file))
    manifest["version"] = version
    with open(os.path.join(pack_out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2)
    add_selftest(pack_out, codec_pack, codec_checkpoint)
    return ranges


def main(argv=None):
    p = argparse.ArgumentParser(prog="python3 -m lic.quantize_synthesis", description=__doc__.split("\n")[0])
    p.add_argument("--pack", required=True, help="the float human pack (its synthesis graph is quantised)")
    p.add_argument("--out", required=True, help="the int8 human pack folder to write")
    p.add_argument("--version", type=int, required=True, help="the new pack's version")
    p.add_argument("--codec-pack", default="../codec-core/src/main/resources/lic/packs/codec/hyperprior-vr")
    p.add_argument("--codec-checkpoint", default="checkpoints/hyperprior-vr.pt")
    p.add_argument("--data", default="../../shared/data/photos", help="calibration photos (not Kodak)")
    p.add_argument("--images", type=int, default=48)
    p.add_argument("--crop", type=int, default=256)
    p.add_argument("--percentile", type=float, default=99.999)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    ranges = quantize_pack(args.pack, args.out, args.version, args.codec_pack, args.codec_checkpoint, args.data,
                           args.images, args.crop, args.percentile)
    for n, (lo, hi) in ranges.items():
        print(f"{n}: [{lo.min():.4f}, {hi.max():.4f}]")
    print(f"wrote {args.out}: version {args.version}, 3x3 convolutions in int8 (ranges above)")


if __name__ == "__main__":
    main()
