"""Import an ONNX graph as a differentiable PyTorch module (a small interpreter for the common ops).

A task network arrives as an ONNX file (YOLOX-nano, the CamVid segmenter, a user's own network); the
adaptors train *through* it, so it must run in torch with gradients. `OnnxModule` walks the graph's
nodes in order with torch ops. Float initializers become parameters (frozen unless `trainable`), so a
backbone can be fine-tuned too. `forward(x, outputs=[...])` returns any intermediate tensors by name,
which is what feature-matching losses need.

Shape arithmetic (Shape, Gather, Concat of shape vectors ...) runs on int64 tensors like any other op.
`batch_agnostic` lets a graph exported with batch 1 run on a batch: a Reshape whose target has a literal
1 as its first entry takes the input's batch instead (exports usually bake `[1, C, -1]`).

Re-export (a module that wraps an imported graph, traced by torch.onnx.export, as the adaptor packs are):
Shape, Resize (by scales or by computed sizes) and Slice bounds stay graph values, so the exported graph
takes any input size. Reshape targets, Pad amounts and Slice bounds are read as Python integers, so ones
*computed* from shapes at run time become constants of the traced size; the networks used here (YOLOX-nano,
the CamVid segmenter) only have constant ones.
"""
import math

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import numpy_helper


class UnsupportedOp(ValueError):
    pass


def _attrs(node):
    out = {}
    for a in node.attribute:
        v = onnx.helper.get_attribute_value(a)
        out[a.name] = v.decode() if isinstance(v, bytes) else v
    return out


def _ints(t):
    return [int(v) for v in t.reshape(-1).tolist()]


def _same_pads(kernel, stride, dilation, size, upper):
    """auto_pad SAME_UPPER/SAME_LOWER: total padding so that out = ceil(in / stride)."""
    pads_begin, pads_end = [], []
    for k, s, d, n in zip(kernel, stride, dilation, size):
        total = max((math.ceil(n / s) - 1) * s + (k - 1) * d + 1 - n, 0)
        small = total // 2
        pads_begin.append(total - small if not upper else small)
        pads_end.append(small if not upper else total - small)
    return pads_begin + pads_end


def _pad_input(x, pads, value=0.0):
    """ONNX pads [b1, b2, e1, e2] on the last two axes -> F.pad order (left, right, top, bottom)."""
    n = len(pads) // 2
    torch_pads = []
    for i in reversed(range(n)):
        torch_pads += [pads[i], pads[i + n]]
    return F.pad(x, torch_pads, value=value) if any(torch_pads) else x


def _conv(x, w, b, a):
    k = list(w.shape[2:])
    strides, dil = a.get("strides", [1] * len(k)), a.get("dilations", [1] * len(k))
    auto = a.get("auto_pad", "NOTSET")
    if auto in ("SAME_UPPER", "SAME_LOWER"):
        pads = _same_pads(k, strides, dil, list(x.shape[2:]), auto == "SAME_UPPER")
    else:
        pads = a.get("pads", [0] * (2 * len(k)))
    conv = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}[len(k)]
    return conv(_pad_input(x, pads), w, b, stride=strides, dilation=dil, groups=a.get("group", 1))


def _conv_transpose(x, w, b, a):
    k = list(w.shape[2:])
    if a.get("auto_pad", "NOTSET") not in ("NOTSET", "VALID") or "output_shape" in a:
        raise UnsupportedOp("ConvTranspose with auto_pad/output_shape")
    pads = a.get("pads", [0] * (2 * len(k)))
    if pads[:len(k)] != pads[len(k):]:
        raise UnsupportedOp("ConvTranspose with asymmetric pads")
    conv = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}[len(k)]
    return conv(x, w, b, stride=a.get("strides", [1] * len(k)), padding=pads[:len(k)],
                output_padding=a.get("output_padding", [0] * len(k)), groups=a.get("group", 1),
                dilation=a.get("dilations", [1] * len(k)))


def _pool(x, a, kind):
    k = a["kernel_shape"]
    strides = a.get("strides", [1] * len(k))
    auto = a.get("auto_pad", "NOTSET")
    if auto in ("SAME_UPPER", "SAME_LOWER"):
        pads = _same_pads(k, strides, [1] * len(k), list(x.shape[2:]), auto == "SAME_UPPER")
    else:
        pads = a.get("pads", [0] * (2 * len(k)))
    ceil = bool(a.get("ceil_mode", 0))
    if kind == "max":
        x = _pad_input(x, pads, value=float("-inf"))
        return F.max_pool2d(x, k, strides, ceil_mode=ceil, dilation=a.get("dilations", [1] * len(k)))
    if any(pads) and not a.get("count_include_pad", 0):
        sym = pads[:len(k)] == pads[len(k):]
        if not sym:
            raise UnsupportedOp("AveragePool with asymmetric pads excluding padding")
        return F.avg_pool2d(x, k, strides, padding=pads[:len(k)], ceil_mode=ceil, count_include_pad=False)
    return F.avg_pool2d(_pad_input(x, pads), k, strides, ceil_mode=ceil)


def _slice(x, starts, ends, axes=None, steps=None):
    axes = axes if axes is not None else list(range(len(starts)))
    steps = steps if steps is not None else [1] * len(starts)
    index = [slice(None)] * x.dim()
    for s, e, ax, st in zip(starts, ends, axes, steps):
        ax = ax % x.dim()
        n = x.shape[ax]
        if st == 0:
            raise UnsupportedOp("Slice with step 0")
        if st < 0:
            # ONNX: start clamped to [0, n-1], end to [-1, n-1]. torch slicing has no negative steps: flip the
            # axis (exported as ONNX's own negative-step Slice) and slice forward; x[s:e:-k] = flip(x)[n-1-s:n-1-e:k]
            s = max(min(s + n if s < 0 else s, n - 1), 0)
            e = max(min(e + n if e < 0 else e, n - 1), -1)
            x = x.flip(ax)
            index[ax] = slice(n - 1 - s, n - 1 - e, -st)
            continue
        # Python slicing clamps exactly as ONNX does for positive steps; leaving the bounds unclamped keeps
        # them free of the traced size (x.shape is a constant under tracing), so a re-export stays dynamic.
        index[ax] = slice(s, e, st)
    return x[tuple(index)]


def _resize(x, a, scales=None, sizes=None):
    mode = a.get("mode", "nearest")
    ctm = a.get("coordinate_transformation_mode", "half_pixel")
    # With scales, resize by scale factor (not by a computed size): a graph traced from this module then
    # keeps a Resize by scales, valid for any input size, instead of baking the traced size in.
    if sizes is not None and sizes.numel():
        # traced (a graph re-exported from this module): keep the sizes as graph values, not constants
        kw = {"size": [sizes[i] for i in range(2, sizes.numel())] if torch.jit.is_tracing()
              else [int(v) for v in sizes[2:]]}
    else:
        sc = [float(v) for v in scales.reshape(-1).tolist()]
        if sc[:2] != [1.0, 1.0]:
            raise UnsupportedOp("Resize of batch/channel axes")
        kw = {"scale_factor": sc[2:], "recompute_scale_factor": False}
    if mode == "nearest":
        nearest = a.get("nearest_mode", "round_prefer_floor")
        if ctm == "asymmetric" and nearest == "floor":
            return F.interpolate(x, mode="nearest", **kw)
        if ctm in ("half_pixel", "pytorch_half_pixel") and nearest in ("round_prefer_floor", "round_prefer_ceil"):
            return F.interpolate(x, mode="nearest-exact", **kw)
        raise UnsupportedOp(f"Resize nearest with {ctm}/{nearest}")
    if mode == "linear":
        if ctm == "align_corners":
            return F.interpolate(x, mode="bilinear", align_corners=True, **kw)
        if ctm in ("half_pixel", "pytorch_half_pixel"):
            return F.interpolate(x, mode="bilinear", align_corners=False, **kw)
        raise UnsupportedOp(f"Resize linear with {ctm}")
    raise UnsupportedOp(f"Resize mode {mode}")


def _reshape(x, shape, allowzero, batch_agnostic):
    shape = list(shape)
    for i, s in enumerate(shape):
        if s == 0 and not allowzero:
            shape[i] = x.shape[i]
    if batch_agnostic and shape and x.dim() and shape[0] == 1 and x.shape[0] != 1:
        shape[0] = x.shape[0]
    return x.reshape(shape)


def _dft(x, length, a):
    """ONNX DFT (opset 17): x [..., 1] real or [..., 2] complex; output [..., 2]."""
    axis = a.get("axis", 1)
    z = x[..., 0] if x.shape[-1] == 1 else torch.view_as_complex(x.contiguous())
    if a.get("onesided", 0):
        if a.get("inverse", 0) or x.shape[-1] != 1:
            raise UnsupportedOp("DFT onesided is only defined for a real forward transform")
        return torch.view_as_real(torch.fft.rfft(z, n=length, dim=axis))
    z = torch.fft.ifft(z, n=length, dim=axis) if a.get("inverse", 0) else torch.fft.fft(z, n=length, dim=axis)
    return torch.view_as_real(z)


def _per_axis(t, x, axis):
    """A scale or zero point (scalar, or 1-D along `axis`) shaped to broadcast against x."""
    if t.dim() == 0 or t.numel() == 1:
        return t.reshape(())
    shape = [1] * x.dim()
    shape[axis % x.dim()] = -1
    return t.reshape(shape)


def _quantize_linear(x, scale, zero_point, a):
    """ONNX QuantizeLinear: round half to even, saturate to the zero point's type (uint8 if absent).
    Returned as integers held in float, so the graph stays differentiable (straight-through is not
    needed here: quantised graphs are only evaluated)."""
    axis = a.get("axis", 1)
    zp = zero_point if zero_point is not None else torch.zeros((), dtype=torch.uint8)
    lo, hi = (-128, 127) if zp.dtype == torch.int8 else (0, 255)
    q = torch.round(x / _per_axis(scale, x, axis)) + _per_axis(zp.float(), x, axis)
    return q.clamp(lo, hi)


def _dequantize_linear(x, scale, zero_point, a):
    axis = a.get("axis", 1)
    zp = 0.0 if zero_point is None else _per_axis(zero_point.float(), x, axis)
    return (x.float() - zp) * _per_axis(scale, x, axis)


def _gemm(a_, b_, c_, a):
    if a.get("transA", 0):
        a_ = a_.t()
    if a.get("transB", 0):
        b_ = b_.t()
    y = a.get("alpha", 1.0) * (a_ @ b_)
    return y + a.get("beta", 1.0) * c_ if c_ is not None else y


_ELEMENTWISE = {
    "Add": torch.add, "Sub": torch.sub, "Mul": torch.mul, "Pow": torch.pow,
    "Max": torch.maximum, "Min": torch.minimum, "Equal": torch.eq, "Less": torch.lt, "Greater": torch.gt,
    "Or": torch.logical_or, "And": torch.logical_and,
}
_UNARY = {
    "Relu": F.relu, "Sigmoid": torch.sigmoid, "Tanh": torch.tanh, "Exp": torch.exp, "Log": torch.log,
    "Sqrt": torch.sqrt, "Abs": torch.abs, "Neg": torch.neg, "Floor": torch.floor, "Ceil": torch.ceil,
    "Identity": lambda t: t, "Erf": torch.erf, "Reciprocal": torch.reciprocal, "Not": torch.logical_not,
    "Cos": torch.cos, "Sin": torch.sin, "Round": torch.round,       # Round: halves to even, as ONNX
}
_DTYPES = {1: torch.float32, 6: torch.int32, 7: torch.int64, 9: torch.bool, 10: torch.float16, 11: torch.float64}


def _div(a, b):
    if not a.is_floating_point() and not b.is_floating_point():
        return torch.div(a, b, rounding_mode="trunc")
    return a / b


class OnnxModule(nn.Module):
    """An ONNX graph as a torch module. Supports the ops in `SUPPORTED` (checked at load)."""

    SUPPORTED = sorted(set(_ELEMENTWISE) | set(_UNARY) | {
        "Conv", "ConvTranspose", "MaxPool", "AveragePool", "GlobalAveragePool", "BatchNormalization",
        "Concat", "Slice", "Reshape", "Resize", "Upsample", "Transpose", "Constant", "Gemm", "MatMul", "Flatten",
        "Clip", "Softmax", "LeakyRelu", "HardSigmoid", "HardSwish", "Shape", "Gather", "Unsqueeze", "Squeeze",
        "Cast", "Pad", "Split", "Div", "ReduceMean", "DepthToSpace", "Expand", "ConstantOfShape", "Range",
        "Where", "Mod", "Elu", "PRelu", "Softplus", "DFT", "QuantizeLinear", "DequantizeLinear"})

    def __init__(self, path_or_model, trainable=False, batch_agnostic=True):
        super().__init__()
        model = onnx.load(path_or_model) if isinstance(path_or_model, str) else path_or_model
        graph = model.graph
        self.opset = max((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), default=13)
        unsupported = sorted({n.op_type for n in graph.node if n.op_type not in self.SUPPORTED})
        if unsupported:
            raise UnsupportedOp(f"ONNX ops not supported by the importer: {', '.join(unsupported)}")
        self.batch_agnostic = batch_agnostic
        self.nodes = [(n.op_type, list(n.input), list(n.output), _attrs(n)) for n in graph.node]
        self._param_names = {}
        self.params = nn.ParameterDict()
        self._consts = {}
        for i, t in enumerate(graph.initializer):
            arr = numpy_helper.to_array(t).copy()
            tensor = torch.from_numpy(arr)
            if tensor.is_floating_point():
                key = f"p{i}"
                self.params[key] = nn.Parameter(tensor.float(), requires_grad=trainable)
                self._param_names[t.name] = key
            else:
                self._consts[t.name] = tensor
        inits = {t.name for t in graph.initializer}
        self.input_names = [i.name for i in graph.input if i.name not in inits]
        self.output_names = [o.name for o in graph.output]

    def tensor_names(self):
        """Every value the graph computes, in node order."""
        return [o for _, _, outs, _ in self.nodes for o in outs]

    def consumers(self, name):
        return [(op, outs) for op, ins, outs, _ in self.nodes if name in ins]

    def forward(self, *inputs, outputs=None):
        """Run the graph. Returns the graph outputs (one tensor or a tuple), or, with `outputs`, a dict
        of the named tensors (computation stops once all of them are known)."""
        env = dict(self._consts)
        env.update({n: self.params[k] for n, k in self._param_names.items()})
        env.update(zip(self.input_names, inputs))
        wanted = list(outputs) if outputs is not None else self.output_names
        missing = set(wanted) - set(env)
        for op, ins, outs, a in self.nodes:
            if not missing:
                break
            vals = [env[i] if i else None for i in ins]
            res = self._run(op, vals, a, len(outs))
            if not isinstance(res, (list, tuple)):
                res = [res]
            for name, v in zip(outs, res):
                env[name] = v
                missing.discard(name)
        if missing:
            raise KeyError(f"not computed by the graph: {sorted(missing)}")
        if outputs is not None:
            return {n: env[n] for n in wanted}
        res = tuple(env[n] for n in wanted)
        return res[0] if len(res) == 1 else res

    def _run(self, op, v, a, n_out):  # noqa: C901 (one branch per op is the clearest form)
        if op in _ELEMENTWISE:
            return _ELEMENTWISE[op](v[0], v[1])
        if op == "Div":
            return _div(v[0], v[1])
        if op in _UNARY:
            return _UNARY[op](v[0])
        if op == "QuantizeLinear":
            return _quantize_linear(v[0], v[1], v[2] if len(v) > 2 else None, a)
        if op == "DequantizeLinear":
            return _dequantize_linear(v[0], v[1], v[2] if len(v) > 2 else None, a)
        if op == "Conv":
            return _conv(v[0], v[1], v[2] if len(v) > 2 else None, a)
        if op == "ConvTranspose":
            return _conv_transpose(v[0], v[1], v[2] if len(v) > 2 else None, a)
        if op == "MaxPool":
            return _pool(v[0], a, "max")
        if op == "AveragePool":
            return _pool(v[0], a, "avg")
        if op == "GlobalAveragePool":
            return v[0].mean(dim=tuple(range(2, v[0].dim())), keepdim=True)
        if op == "BatchNormalization":
            return F.batch_norm(v[0], v[3], v[4], v[1], v[2], False, 0.0, a.get("epsilon", 1e-5))
        if op == "Concat":
            return torch.cat(v, dim=a["axis"])
        if op == "Slice":
            if self.opset < 10:
                return _slice(v[0], a["starts"], a["ends"], a.get("axes"))
            return _slice(v[0], _ints(v[1]), _ints(v[2]), _ints(v[3]) if len(v) > 3 and v[3] is not None else None,
                          _ints(v[4]) if len(v) > 4 and v[4] is not None else None)
        if op == "Reshape":
            return _reshape(v[0], _ints(v[1]), a.get("allowzero", 0), self.batch_agnostic)
        if op == "Resize":
            scales = v[2] if len(v) > 2 and v[2] is not None and v[2].numel() else None
            sizes = v[3] if len(v) > 3 and v[3] is not None and v[3].numel() else None
            return _resize(v[0], a, scales=scales, sizes=sizes)
        if op == "Upsample":
            return _resize(v[0], {"mode": a.get("mode", "nearest"), "coordinate_transformation_mode": "asymmetric",
                                  "nearest_mode": "floor"}, scales=v[1])
        if op == "Transpose":
            return v[0].permute(*(a.get("perm") or list(reversed(range(v[0].dim())))))
        if op == "Constant":
            if "value" in a:
                return torch.from_numpy(numpy_helper.to_array(a["value"]).copy())
            for key in ("value_float", "value_int"):
                if key in a:
                    return torch.tensor(a[key])
            for key in ("value_floats", "value_ints"):
                if key in a:
                    return torch.tensor(list(a[key]))
            raise UnsupportedOp("Constant without a supported value")
        if op == "Gemm":
            return _gemm(v[0], v[1], v[2] if len(v) > 2 else None, a)
        if op == "MatMul":
            return torch.matmul(v[0], v[1])
        if op == "Flatten":
            ax = a.get("axis", 1) % v[0].dim() if v[0].dim() else 0
            return v[0].reshape(int(np.prod(v[0].shape[:ax])), -1)
        if op == "Clip":
            lo = v[1] if len(v) > 1 and v[1] is not None else a.get("min")
            hi = v[2] if len(v) > 2 and v[2] is not None else a.get("max")
            x = v[0]
            if lo is not None:
                x = torch.clamp(x, min=float(lo))
            if hi is not None:
                x = torch.clamp(x, max=float(hi))
            return x
        if op == "Softmax":
            return torch.softmax(v[0], dim=a.get("axis", -1 if self.opset >= 13 else 1))
        if op == "LeakyRelu":
            return F.leaky_relu(v[0], a.get("alpha", 0.01))
        if op == "Elu":
            return F.elu(v[0], a.get("alpha", 1.0))
        if op == "PRelu":
            return torch.where(v[0] >= 0, v[0], v[0] * v[1])
        if op == "Softplus":
            return F.softplus(v[0])
        if op == "HardSigmoid":
            return torch.clamp(a.get("alpha", 0.2) * v[0] + a.get("beta", 0.5), 0, 1)
        if op == "HardSwish":
            return F.hardswish(v[0])
        if op == "Shape":
            return torch._shape_as_tensor(v[0])      # traceable: stays a graph value when re-exported
        if op == "Gather":
            return torch.index_select(v[0], a.get("axis", 0), v[1].reshape(-1).long()).reshape(
                v[0].shape[:a.get("axis", 0) % max(v[0].dim(), 1)] + v[1].shape
                + v[0].shape[a.get("axis", 0) % max(v[0].dim(), 1) + 1:])
        if op == "Unsqueeze":
            axes = a["axes"] if "axes" in a else _ints(v[1])
            x = v[0]
            for ax in sorted(ax % (x.dim() + len(axes)) for ax in axes):
                x = x.unsqueeze(ax)
            return x
        if op == "Squeeze":
            axes = a.get("axes") if "axes" in a else (_ints(v[1]) if len(v) > 1 and v[1] is not None else None)
            if axes is None:
                return v[0].squeeze()
            x = v[0]
            for ax in sorted((ax % x.dim() for ax in axes), reverse=True):
                x = x.squeeze(ax)
            return x
        if op == "Cast":
            return v[0].to(_DTYPES[a["to"]])
        if op == "Pad":
            mode = a.get("mode", "constant")
            pads = a["pads"] if "pads" in a else _ints(v[1])
            value = float(v[2]) if len(v) > 2 and v[2] is not None else a.get("value", 0.0)
            n = len(pads) // 2
            if any(pads[:2]) or any(pads[n:n + 2]):
                raise UnsupportedOp("Pad of batch/channel axes")
            tp = []
            for i in reversed(range(2, n)):
                tp += [pads[i], pads[i + n]]
            return F.pad(v[0], tp, mode=mode, value=value) if mode == "constant" else F.pad(v[0], tp, mode=mode)
        if op == "Split":
            ax = a.get("axis", 0)
            split = a.get("split") or (_ints(v[1]) if len(v) > 1 and v[1] is not None else None)
            if split is None:
                return torch.split(v[0], v[0].shape[ax] // n_out, dim=ax)
            return torch.split(v[0], split, dim=ax)
        if op == "ReduceMean":
            axes = a.get("axes") or list(range(v[0].dim()))
            return v[0].mean(dim=tuple(axes), keepdim=bool(a.get("keepdims", 1)))
        if op == "DepthToSpace":
            if a.get("mode", "DCR") == "CRD":
                return F.pixel_shuffle(v[0], a["blocksize"])
            b, c, h, w = v[0].shape
            s = a["blocksize"]
            x = v[0].reshape(b, s, s, c // (s * s), h, w).permute(0, 3, 4, 1, 5, 2)
            return x.reshape(b, c // (s * s), h * s, w * s)
        if op == "Expand":
            return v[0] * torch.ones(_ints(v[1]), dtype=v[0].dtype)
        if op == "ConstantOfShape":
            val = torch.from_numpy(numpy_helper.to_array(a["value"]).copy()) if "value" in a else torch.zeros(1)
            return torch.full(_ints(v[0]), val.item(), dtype=val.dtype)
        if op == "Range":
            return torch.arange(v[0].item(), v[1].item(), v[2].item())
        if op == "DFT":
            return _dft(v[0], int(v[1]) if len(v) > 1 and v[1] is not None else None, a)
        if op == "Where":
            return torch.where(v[0], v[1], v[2])
        if op == "Mod":           # fmod=0: the result takes the divisor's sign (Python's %), fmod=1: C's
            return torch.fmod(v[0], v[1]) if a.get("fmod", 0) else torch.remainder(v[0], v[1])
        raise UnsupportedOp(op)
