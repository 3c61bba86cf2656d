"""The int8 synthesis: QDQ ops in the ONNX importer, the graph rewrite, and the shipped int8 human pack."""
import base64
import json
import os

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

from conftest import SHIPPED_CODEC, SHIPPED_HUMAN
from lic.adapt.onnx_import import OnnxModule
from lic.pack import load_adaptor_pack, load_codec_pack
from lic.quantize_synthesis import activation_ranges, quantize, quantized_convs
from lic.task_pack import image_rgb

SHIPPED_HUMAN_INT8 = os.path.join(os.path.dirname(SHIPPED_HUMAN), "human-int8-hyperprior-vr")


def _model(nodes, inits, inputs, outputs):
    graph = helper.make_graph(nodes, "g", inputs, outputs, [numpy_helper.from_array(v, k) for k, v in inits.items()])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])


def test_quantize_linear_rounds_half_to_even_saturates_and_dequantizes_per_axis():
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 1, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2, 1, 4])
    w = helper.make_tensor_value_info("w", TensorProto.FLOAT, [2, 3])
    model = _model(
        [helper.make_node("QuantizeLinear", ["x", "s", "zp"], ["q"]),
         helper.make_node("DequantizeLinear", ["q", "s", "zp"], ["y"]),
         helper.make_node("DequantizeLinear", ["wq", "ws", "wz"], ["w"], axis=0)],
        {"s": np.float32(0.5), "zp": np.uint8(10), "wq": np.array([[1, -2, 127], [-128, 0, 3]], np.int8),
         "ws": np.array([0.25, 2.0], np.float32), "wz": np.zeros(2, np.int8)},
        [x], [y, w])
    net = OnnxModule(model)
    xs = torch.tensor([[[[0.25, 0.75, -100.0, 1000.0]], [[1.25, -0.25, -4.75, 0.0]]]])
    out = net(xs, outputs=["q", "y", "w"])
    # x / 0.5 = 0.5 -> 0 (even), 1.5 -> 2, saturation at 0 and 255; then + zero point 10
    assert out["q"].reshape(-1).tolist() == [10, 12, 0, 255, 12, 10, 0, 10]
    assert torch.allclose(out["y"], (out["q"] - 10) * 0.5)
    assert out["w"].tolist() == [[0.25, -0.5, 31.75], [-256.0, 0.0, 6.0]]


def _synthesis_like(rng):
    """y (8 ch) -> two sub-pixel stages (3x3 conv to 4*16, 4*8 channels, depth-to-space, ReLU) -> a last 3x3
    conv to 4*3 (too few outputs to quantise) -> depth-to-space, plus a 1x1 linear path from y."""
    def conv(name, cout, cin, k=3, bias=True):
        inits[f"w{name}"] = rng.normal(0, 0.5 / np.sqrt(cin * k * k), (cout, cin, k, k)).astype(np.float32)
        if bias:
            inits[f"b{name}"] = rng.normal(0, 0.1, cout).astype(np.float32)
        return [f"w{name}"] + ([f"b{name}"] if bias else [])
    inits = {"sc": np.array([1, 1, 4, 4], np.float32)}
    nodes = [helper.make_node("Conv", ["y"] + conv(0, 64, 8), ["c0"], pads=[1, 1, 1, 1]),
             helper.make_node("DepthToSpace", ["c0"], ["d0"], blocksize=2),
             helper.make_node("Relu", ["d0"], ["r0"]),
             helper.make_node("Conv", ["r0"] + conv(1, 32, 16), ["c1"], pads=[1, 1, 1, 1]),
             helper.make_node("DepthToSpace", ["c1"], ["d1"], blocksize=2),
             helper.make_node("Relu", ["d1"], ["r1"]),
             helper.make_node("Conv", ["r1"] + conv(2, 12, 8), ["c2"], pads=[1, 1, 1, 1]),
             helper.make_node("DepthToSpace", ["c2"], ["d2"], blocksize=2),
             helper.make_node("Conv", ["y"] + conv(3, 12, 8, k=1, bias=False), ["l0"]),
             helper.make_node("DepthToSpace", ["l0"], ["l1"], blocksize=2),
             helper.make_node("Resize", ["l1", "", "sc"], ["l2"], mode="nearest"),
             helper.make_node("Add", ["d2", "l2"], ["image"])]
    return _model(nodes, inits, [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8, "h", "w"])],
                  [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, "H", "W"])])


def test_quantize_rewrites_the_wide_3x3_convs_in_qdq_form_and_stays_close_to_float():
    rng = np.random.default_rng(0)
    model = _synthesis_like(rng)
    convs = quantized_convs(model)
    assert [n.output[0] for n in convs] == ["c0", "c1"]   # not the 12-output last stage nor the 1x1 path
    names = sorted({n.input[0] for n in convs} | {n.output[0] for n in convs})
    calib = [torch.from_numpy(rng.normal(0, 2, (2, 8, 6, 7)).astype(np.float32)) for _ in range(4)]
    ranges = activation_ranges(model, calib, names, 99.99)
    assert ranges["c0"][0].shape == (64,) and (ranges["c0"][0] < ranges["c0"][1]).all()   # per channel
    q = quantize(model, ranges)
    ops = [n.op_type for n in q.graph.node]
    assert ops.count("Conv") == 4 and ops.count("QuantizeLinear") == 4
    inits = {t.name: numpy_helper.to_array(t) for t in q.graph.initializer}
    assert {k: v.dtype for k, v in inits.items() if k.endswith(".w.q")} == {"c0.w.q": np.int8, "c1.w.q": np.int8}
    assert {k: v.dtype for k, v in inits.items() if k.endswith(".b.q")} == {"c0.b.q": np.int32, "c1.b.q": np.int32}
    assert "w0" not in inits and "w2" in inits and "w3" in inits     # float weights replaced where quantised
    y = torch.from_numpy(rng.normal(0, 2, (1, 8, 6, 7)).astype(np.float32))
    with torch.no_grad():
        ref, got = OnnxModule(model)(y), OnnxModule(q)(y)
    assert got.shape == ref.shape
    rel = float((got - ref).pow(2).mean() / ref.pow(2).mean())
    assert 0 < rel < 1e-3, rel                                      # quantised, and close


def test_the_shipped_int8_human_pack_is_version_2_of_human_and_close_to_the_float_one():
    codec = load_codec_pack(SHIPPED_CODEC)
    f32 = load_adaptor_pack(SHIPPED_HUMAN, [codec.codec_id]).manifest
    i8 = load_adaptor_pack(SHIPPED_HUMAN_INT8, [codec.codec_id]).manifest
    assert (i8["name"], i8["version"], i8["codec_id"], i8["task"]) == ("human", 2, f32["codec_id"], "image")
    assert i8["graph"] == f32["graph"] and i8["selftest"] == f32["selftest"]
    graph = onnx.load(os.path.join(SHIPPED_HUMAN_INT8, "synthesis.onnx")).graph
    assert [n.op_type for n in graph.node].count("QuantizeLinear") == 6   # 3 convs: input and output each
    st = i8["selftest"]
    lat = torch.from_numpy(np.fromfile(os.path.join(SHIPPED_HUMAN_INT8, st["input"]), "<f4").reshape(st["shape"]))
    with torch.no_grad():
        rgb = {name: image_rgb(OnnxModule(os.path.join(d, "synthesis.onnx"))(lat).numpy(), st["width"],
                               st["height"]).astype(np.float64)
               for name, d in (("float", SHIPPED_HUMAN), ("int8", SHIPPED_HUMAN_INT8))}
    with open(os.path.join(SHIPPED_HUMAN_INT8, st["expected"]), encoding="utf-8") as f:
        expected = json.load(f)
    want = np.frombuffer(base64.b64decode(expected["rgb"]), np.uint8).reshape(rgb["int8"].shape)
    assert np.abs(rgb["int8"] - want).max() <= expected["max_abs_error"]     # its self-test is its own output
    psnr = 10 * np.log10(255 ** 2 / np.mean((rgb["int8"] - rgb["float"]) ** 2))
    assert psnr > 40, psnr                                                   # int8 vs float on a real latent
