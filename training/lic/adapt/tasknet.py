"""A task network imported from ONNX plus the input convention it expects.

`input_format` says how an RGB image in [0, 1] becomes the network's input:
- `bgr255`: BGR, 0..255, no normalisation (YOLOX's ONNX export);
- `rgb01`: RGB in [0, 1] (the CamVid segmenter this project trains).
"""
import torch.nn as nn

from .onnx_import import OnnxModule

INPUT_FORMATS = ("bgr255", "rgb01")

# YOLOX-nano (../shared/data/models/yolox_nano.onnx): the PAN outputs at strides 8, 16, 32 that feed the
# head's stems (found by walking the graph: the inputs of the three 1x1 stem convolutions).
YOLOX_NANO_FEATURES = ("956", "990", "1024")


def to_network_input(rgb, input_format):
    if input_format == "bgr255":
        return rgb.flip(1) * 255.0
    if input_format == "rgb01":
        return rgb
    raise ValueError(f"unknown input format {input_format!r} (one of {', '.join(INPUT_FORMATS)})")


class TaskNetwork(nn.Module):
    """Frozen task network: feature_maps(rgb) for distillation, forward(rgb) for its outputs."""

    def __init__(self, path, input_format, features=(), trainable=False, output_weight=0.0):
        super().__init__()
        self.net = OnnxModule(path, trainable=trainable)
        self.input_format = input_format
        self.features = tuple(features) or tuple(self.net.output_names)
        # > 0: distillation also matches the graph's output (YOLOX format, lic.adapt.detection)
        self.output_weight = output_weight
        known = set(self.net.tensor_names())
        unknown = [f for f in self.features if f not in known]
        if unknown:
            raise ValueError(f"feature tensors not in {path}: {unknown}")

    def forward(self, rgb):
        return self.net(to_network_input(rgb, self.input_format))

    def feature_maps(self, rgb):
        """What distillation compares: the named feature maps, then the graph's output if output_weight > 0."""
        names = self.features + ((self.net.output_names[0],) if self.output_weight else ())
        out = self.net(to_network_input(rgb, self.input_format), outputs=names)
        return [out[f] for f in names]
