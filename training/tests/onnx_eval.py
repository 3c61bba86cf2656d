"""A tiny ONNX interpreter (torch ops) for the operators our exported graphs use.

There is no ONNX Runtime for Python here; this checks that the exported graphs compute what the
torch model computes, with the graph's own attributes (pads, strides, output padding)."""
import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper


def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def run(path, feeds):
    model = onnx.load(path)
    env = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in model.graph.initializer}
    env.update({k: torch.from_numpy(v) for k, v in feeds.items()})
    for node in model.graph.node:
        a, ins = _attrs(node), [env[i] if i else None for i in node.input]
        op = node.op_type
        if op == "Constant":
            out = torch.from_numpy(numpy_helper.to_array(a["value"]).copy())
        elif op in ("Conv", "ConvTranspose"):
            pads = a.get("pads", [0, 0, 0, 0])
            assert pads[0] == pads[2] and pads[1] == pads[3], "asymmetric pads"
            kw = dict(stride=tuple(a.get("strides", [1, 1])), padding=(pads[0], pads[1]),
                      groups=a.get("group", 1), dilation=tuple(a.get("dilations", [1, 1])))
            if op == "Conv":
                out = F.conv2d(ins[0], ins[1], ins[2] if len(ins) > 2 else None, **kw)
            else:
                out = F.conv_transpose2d(ins[0], ins[1], ins[2] if len(ins) > 2 else None,
                                         output_padding=tuple(a.get("output_padding", [0, 0])), **kw)
        elif op in ("Mul", "Div", "Add", "Sub"):
            out = {"Mul": torch.mul, "Div": torch.div, "Add": torch.add, "Sub": torch.sub}[op](ins[0], ins[1])
        elif op == "DepthToSpace":
            assert a.get("mode", b"DCR") in (b"CRD", "CRD"), "only CRD (pixel_shuffle) is used"
            out = F.pixel_shuffle(ins[0], a["blocksize"])
        elif op in ("Sqrt", "Relu", "Identity"):
            out = {"Sqrt": torch.sqrt, "Relu": torch.relu, "Identity": lambda x: x}[op](ins[0])
        else:
            raise NotImplementedError(op)
        env[node.output[0]] = out
    return {o.name: env[o.name].numpy() for o in model.graph.output}


def op_types(path):
    return sorted({n.op_type for n in onnx.load(path).graph.node})


def assert_close(a, b, tol=1e-4):
    assert a.shape == b.shape, (a.shape, b.shape)
    assert np.max(np.abs(a - b)) <= tol * max(1.0, float(np.max(np.abs(b)))), np.max(np.abs(a - b))
