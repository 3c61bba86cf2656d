"""torch.onnx.export as every pack writer here calls it: TorchScript exporter, constant folding, dynamic
sizes, the ONNX checker, and the repository's 16 MB limit per file."""
import inspect
import os

import torch

from .onnx_constants import share_constants

OPSET = 13
MAX_ONNX_BYTES = 16 << 20


def export_graph(module, example, path, input_names, output_names, dynamic_axes, opset=OPSET, share=False):
    """Export `module` at `example` to `path`; returns the file's size.

    share: store equal tensor constants once (`onnx_constants`). Base codec graphs leave it off: their
    files' hashes are the codec id, which must not change with the exporter's post-processing."""
    kwargs = {}
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False          # PyTorch >= 2.5: keep the TorchScript exporter
    torch.onnx.export(module, example, path, opset_version=opset, do_constant_folding=True,
                      input_names=list(input_names), output_names=list(output_names),
                      dynamic_axes=dynamic_axes, **kwargs)
    import onnx
    if share:
        onnx.save(share_constants(onnx.load(path)), path)
    onnx.checker.check_model(path)
    size = os.path.getsize(path)
    if size > MAX_ONNX_BYTES:
        raise ValueError(f"{path} is {size} bytes (> 16 MB); consider fp16 weights")
    return size
