"""Run an exported graph in torch, to check that it computes what the torch model computes.

There is no ONNX Runtime for Python here; the graph runs through lic.adapt.onnx_import (the importer
that also serves task networks), with the graph's own attributes (pads, strides, output padding)."""
import numpy as np
import onnx
import torch

from lic.adapt.onnx_import import OnnxModule


def run(path, feeds):
    """{output name: array} of the graph at `path` for `feeds` ({input name: array})."""
    net = OnnxModule(path).eval()
    with torch.no_grad():
        out = net(*[torch.from_numpy(feeds[name]) for name in net.input_names], outputs=net.output_names)
    return {name: value.numpy() for name, value in out.items()}


def op_types(path):
    return sorted({n.op_type for n in onnx.load(path).graph.node})


def assert_close(a, b, tol=1e-4):
    assert a.shape == b.shape, (a.shape, b.shape)
    assert np.max(np.abs(a - b)) <= tol * max(1.0, float(np.max(np.abs(b)))), np.max(np.abs(a - b))
