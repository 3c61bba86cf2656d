"""Export a trained checkpoint as a codec pack and the "human" adaptor pack.

    /usr/bin/python3 -m lic.export --checkpoint runs/hyperprior-s/checkpoint.pt \\
        --codec-out ../codec-core/src/main/resources/lic/packs/codec/hyperprior-s \\
        --adaptor-out ../adaptors/src/main/resources/lic/packs/adaptors/human-hyperprior-s

Codec pack (docs/codec-pack.md): encoder.onnx (g_a + h_a, float32, opset 13, dynamic H/W),
hyper_synthesis.bin (h_s quantised to integers, calibrated on z_hat of random training crops),
entropy_tables.bin (z and y CDFs), manifest.json with the codec id. Adaptor pack
(docs/adaptor-pack.md): synthesis.onnx (g_s) and its manifest. Both packs are re-read and verified.
"""
import argparse
import copy
import hashlib
import json
import os

import torch

from . import inthyper, tables
from .data import CropSampler
from .layers import GDN
from . import model_vr
from .gains import Gains
from .model import EncoderGraph, SynthesisGraph
from .onnx_export import OPSET, export_graph
from .pack import CODEC_FILES, CODEC_FILES_V2, codec_id, load_adaptor_pack, load_codec_pack, sha256_file
from .train import DEFAULT_PHOTOS, load_model


class _FrozenGDN(torch.nn.Module):
    """GDN with its effective beta, gamma precomputed: same arithmetic, but the ONNX graph holds two
    constants instead of re-deriving them (with dynamic-shape reshapes) on every run."""

    def __init__(self, gdn):
        super().__init__()
        beta, gamma = gdn.effective_params()
        c = beta.shape[0]
        self.inverse = gdn.inverse
        self.register_buffer("beta", beta.detach().clone())
        self.register_buffer("gamma", gamma.detach().reshape(c, c, 1, 1).clone())

    def forward(self, x):
        norm = torch.sqrt(torch.nn.functional.conv2d(x * x, self.gamma, self.beta))
        return x * norm if self.inverse else x / norm


def frozen(module):
    """Deep copy of module with every GDN replaced by _FrozenGDN (for export only)."""
    module = copy.deepcopy(module)
    for name, child in list(module.named_children()):
        setattr(module, name, _FrozenGDN(child) if isinstance(child, GDN) else frozen(child))
    return module


def is_variable_rate(model):
    return isinstance(model, model_vr.VariableRateCodec)


@torch.no_grad()
def calibration_z(model, folder, crops, crop_size=256, seed=0, batch=8):
    """z_hat = floor(h_a(g_a(x)) + 1/2) for random training crops, [crops, N, h, w]; for a variable-rate
    model crop i is analysed at rate i mod R, so that h_s is calibrated over every rate."""
    sampler = CropSampler(folder, crop_size, seed=seed)
    out = []
    for i in range(0, crops, batch):
        x = sampler.batch(min(batch, crops - i))
        y = model.g_a(x)
        if is_variable_rate(model):
            rate = torch.arange(i, i + x.shape[0]) % model.rates
            y = y * model.gains(rate)[0]
        out.append(torch.floor(model.h_a(y) + 0.5))
    return torch.cat(out)


def _onnx_export(module, example, path, input_names, output_names, axes, opset=OPSET, share=False):
    """Export the frozen-GDN copy of `module` (see `frozen`), checked to compute what the model computes."""
    ref = frozen(module).eval()
    with torch.no_grad():
        for a, b in zip(_tuple(module(*_tuple(example))), _tuple(ref(*_tuple(example)))):
            if not torch.allclose(a, b, rtol=1e-5, atol=1e-6):
                raise AssertionError("frozen GDN differs from the model")
    return export_graph(ref, example, path, _tuple(input_names), output_names, axes, opset, share)


def export_codec(model, ckpt, out_dir, z_calib, name, frac_bits=inthyper.DEFAULT_F, zc=inthyper.DEFAULT_ZC,
                 z_check=None, extra_card="", default_rate=None):
    """Write the codec pack to out_dir; returns (CodecPack, report dict)."""
    os.makedirs(out_dir, exist_ok=True)
    for p in model.parameters():          # plain ops (no autograd.Function) in the traced graph
        p.requires_grad_(False)
    M, N = model.M, model.N
    vr = is_variable_rate(model)
    axes = {"image": {2: "H", 3: "W"}, "y": {2: "h", 3: "w"}, "z": {2: "hz", 3: "wz"}}
    if vr:
        _onnx_export(model_vr.EncoderGraph(model).eval(), (torch.zeros(1, 3, 64, 64), torch.ones(1, M, 1, 1)),
                     os.path.join(out_dir, "encoder.onnx"), ("image", "gain"), ("y", "z"), axes)
        gains = Gains(model.log_gain.detach().exp().float().numpy(), model.log_inv_gain.detach().exp().float().numpy())
        gains.write(os.path.join(out_dir, "gains.bin"))
    else:
        _onnx_export(EncoderGraph(model).eval(), torch.zeros(1, 3, 64, 64), os.path.join(out_dir, "encoder.onnx"),
                     "image", ("y", "z"), axes)
    net = inthyper.quantize(model.h_s, z_calib, frac_bits, zc)
    net.write(os.path.join(out_dir, "hyper_synthesis.bin"))
    tabs = tables.build(model.z_prior, frac_bits)
    tabs.write(os.path.join(out_dir, "entropy_tables.bin"))

    files = {f: sha256_file(os.path.join(out_dir, f)) for f in (CODEC_FILES_V2 if vr else CODEC_FILES)}
    cid = codec_id(files)
    err = inthyper.compare(net, model.h_s, z_check if z_check is not None else z_calib)
    report = {"codec_id": cid, "N": N, "M": M, "F": frac_bits, "Zc": zc,
              "y_levels": len(tabs.y), "z_table_sizes": [len(c) for _, c in tabs.z],
              "int_vs_float_h_s": err}
    with open(os.path.join(out_dir, "MODEL_CARD.md"), "w", encoding="utf-8") as f:
        f.write(_model_card(name, ckpt, report, extra_card))
    if vr:
        manifest = {
            "format": "lic-codec-pack", "format_version": 2, "codec_id": cid, "name": name,
            "files": files, "encoder": {"input": "image", "gain": "gain", "y": "y", "z": "z"},
            "default_rate": model.rates // 2 if default_rate is None else default_rate,
            "rates": [{"index": r, "lambda": round(float(l), 6)} for r, l in enumerate(model.lambdas)],
            "model_card": "MODEL_CARD.md",
        }
    else:
        manifest = {
            "format": "lic-codec-pack", "format_version": 1, "codec_id": cid, "name": name,
            "files": files, "encoder": {"input": "image", "y": "y", "z": "z"},
            "rates": [{"index": 0, "lambda": ckpt.get("lambda")}], "model_card": "MODEL_CARD.md",
        }
    _write_json(os.path.join(out_dir, "manifest.json"), manifest)
    return load_codec_pack(out_dir), report


def export_adaptor(model, out_dir, cid):
    os.makedirs(out_dir, exist_ok=True)
    for p in model.parameters():
        p.requires_grad_(False)
    graph = model_vr.SynthesisGraph(model) if is_variable_rate(model) else SynthesisGraph(model)
    _onnx_export(graph.eval(), torch.zeros(1, model.M, 4, 4), os.path.join(out_dir, "synthesis.onnx"),
                 "y_hat", ("image",), {"y_hat": {2: "h", 3: "w"}, "image": {2: "H", 3: "W"}})
    manifest = {
        "format": "lic-adaptor-pack", "format_version": 1, "name": "human", "version": 1,
        "codec_id": cid, "task": "image",
        "files": {"synthesis.onnx": sha256_file(os.path.join(out_dir, "synthesis.onnx"))},
        "synthesis": {"input": "y_hat", "output": "image"},
    }
    _write_json(os.path.join(out_dir, "manifest.json"), manifest)
    return load_adaptor_pack(out_dir, [cid])


def write_nominal(pack_dir, points):
    """Record each rate's measured Kodak mean (real bitstreams) in a version 2 pack's manifest as
    kodak_bpp / kodak_psnr. Descriptive fields: the codec id does not change."""
    path = os.path.join(pack_dir, "manifest.json")
    with open(path, encoding="utf-8") as f:
        m = json.load(f)
    by_rate = {p["rate_index"]: p for p in points}
    for r in m["rates"]:
        p = by_rate.get(r["index"])
        if p is not None:
            r["kodak_bpp"], r["kodak_psnr"] = round(p["bpp"], 4), round(p["psnr"], 3)
    _write_json(path, m)
    load_codec_pack(pack_dir)              # still a valid pack with the same id


def _tuple(x):
    return x if isinstance(x, tuple) else (x,)


def _write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


def _model_card(name, ckpt, report, extra):
    e = report["int_vs_float_h_s"]
    c = ckpt["config"]
    what = (f"Variable-rate mean-scale hyperprior (lic.model_vr: gain units, sub-pixel synthesis "
            f"{c.get('widths')}, linear paths {c.get('shortcut')}), N={report['N']}, M={report['M']}, "
            f"{len(c['lambdas'])} rates, lambdas {c['lambdas']}, " if c.get("arch") == "vr1" else
            f"Mean-scale hyperprior (Minnen et al. 2018, without context model), "
            f"N={report['N']}, M={report['M']}, lambda={ckpt.get('lambda')}, ")
    return (f"# {name}\n\n{what}"
            f"{ckpt.get('step')} training steps.\n\n"
            f"- codec id `{report['codec_id']}`\n"
            f"- integer h_s: int8 weights, uint8 activations, outputs in units 2^-{report['F']}, "
            f"input clamp {report['Zc']}\n"
            f"- integer vs float h_s on held-out crops: scale MAE {e['scale_mae']:.4g} "
            f"(mean |scale| {e['scale_mean_abs']:.4g}), mean MAE {e['mean_mae']:.4g}\n"
            f"- {report['y_levels']} Gaussian scale tables (0.11..256), z tables of sizes "
            f"{min(report['z_table_sizes'])}..{max(report['z_table_sizes'])}\n{extra}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--codec-out", required=True)
    ap.add_argument("--adaptor-out", required=True)
    ap.add_argument("--calib-data", default=DEFAULT_PHOTOS, help="folder of photos for h_s calibration")
    ap.add_argument("--calib-crops", type=int, default=64)
    ap.add_argument("--name", default=None, help="pack name (default: the checkpoint's folder name)")
    ap.add_argument("--frac-bits", type=int, default=inthyper.DEFAULT_F)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--default-rate", type=int, default=None, help="variable-rate packs: default rate index")
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model, ckpt = load_model(args.checkpoint)
    name = args.name or os.path.basename(os.path.dirname(os.path.abspath(args.checkpoint)))
    z_calib = calibration_z(model, args.calib_data, args.calib_crops, seed=0)
    z_check = calibration_z(model, args.calib_data, max(8, args.calib_crops // 4), seed=12345)
    with open(args.checkpoint, "rb") as f:
        ck_hash = hashlib.sha256(f.read()).hexdigest()
    pack, report = export_codec(model, ckpt, args.codec_out, z_calib, name, args.frac_bits,
                                z_check=z_check, extra_card=f"- checkpoint sha256 `{ck_hash}`\n",
                                default_rate=args.default_rate)
    export_adaptor(model, args.adaptor_out, pack.codec_id)
    report.pop("z_table_sizes")
    report["checkpoint_step"] = ckpt.get("step")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
