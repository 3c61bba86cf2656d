"""Export a trained T-adaptor as an adaptor pack (format version 2) that `lic adaptors register` accepts.

The pack's graph is the whole decode for the task: y_dec -> T-synthesis -> the task network (for
detection: letterbox to 416 and YOLOX, decoded by Java's `yolox` post-processing). Its self-test latent is
a real bitstream's y_dec (a Kodak crop through the shipped encoder), so the registry's warm-up checks real
detections, not noise.

    python3 -m lic.adapt.export --task detection --adaptor runs/det-vr/checkpoint.pt \
        --out ../adaptors/src/main/resources/lic/packs/adaptors/detection-hyperprior-vr

A human T-adaptor (`--task human`) exports as an `image` pack: the T-synthesis alone. For an S-adapted
codec give `--s-adaptor` (its encoder makes the self-test latent) and that codec's `--codec-pack`.
"""
import argparse
import os

import numpy as np
import torch
from PIL import Image

from ..codec import Encoder, adaptor_input, decode_latents
from ..pack import load_codec_pack
from ..task_pack import write_task_pack
from .detection import COCO_LABELS, DetectionGraph, postprocess
from .export_shared import load_encoding_model
from .onnx_import import OnnxModule
from .segnet import CAMVID_LABELS, SegmentationGraph
from .segnet import postprocess as segmentation_postprocess
from .tsynthesis import TaskSynthesis

OPSET = 17          # the packs' opset since the first (chosen for ONNX DFT, which the blocks no longer use)
DEFAULT_TASK_MODELS = {"detection": "../../shared/data/models/yolox_nano.onnx",
                       "segmentation": "task-models/camvid-segnet.onnx"}
SELFTEST_IMAGE = "../../shared/data/kodak/kodim05.png"     # motorcycles, people, a street
SELFTEST_SIZE = (256, 176)


def load_adaptor(codec_model, checkpoint):
    ck = torch.load(checkpoint, map_location="cpu")
    synth = TaskSynthesis(codec_model.g_s, k=ck.get("mask_cells", 8))
    synth.blocks.load_state_dict(ck["adaptor"])
    return synth.eval(), ck


def selftest_latent(model, pack, image_path, size, rate=None):
    """A real bitstream's y_dec for the self-test: the image resized to `size`, encoded, decoded."""
    image = np.asarray(Image.open(image_path).convert("RGB").resize(size, Image.BICUBIC))
    data = Encoder(model, pack).encode(image, rate_index=rate)
    bs, lat, p = decode_latents(pack, data)
    return np.ascontiguousarray(adaptor_input(p, bs, lat), dtype=np.float32)[None], bs.width, bs.height


def parameter_counts(codec_model, synth):
    base = sum(p.numel() for p in codec_model.parameters())
    adaptor = sum(p.numel() for p in synth.adaptor_parameters())
    return {"adaptor_parameters": adaptor, "base_codec_parameters": base,
            "adaptor_share": round(adaptor / base, 4)}


def export_pack(task, adaptor, out, *, task_model, codec_checkpoint, codec_pack, name=None, version=1,
                selftest_image=SELFTEST_IMAGE, labels=None, s_adaptor=None):
    """Write the pack of a trained T-adaptor; returns the loaded (re-verified) pack."""
    model = load_encoding_model(codec_checkpoint, s_adaptor)
    pack = load_codec_pack(codec_pack)
    synth, ck = load_adaptor(model, adaptor)
    training = {"adaptor_checkpoint_step": ck["step"], **parameter_counts(model, synth)}
    pp = None
    if task == "human":
        graph, pack_task = synth, "image"
    else:
        net = OnnxModule(task_model).eval()
        training["task_model"] = os.path.basename(task_model)
        pack_task = task
        if task == "detection":
            graph, pp = DetectionGraph(synth, net).eval(), postprocess()
            labels = labels or COCO_LABELS
        else:
            graph, pp = SegmentationGraph(synth, net).eval(), segmentation_postprocess()
            labels = labels or CAMVID_LABELS
    lat, w, h = selftest_latent(model, pack, selftest_image, SELFTEST_SIZE)
    info = {"training": training}
    return write_task_pack(out, graph, name=name or task, codec_id=pack.codec_id, task=pack_task,
                           selftest_latent=lat, width=w, height=h, version=version, labels=labels,
                           postprocess=pp, opset=OPSET, extra_manifest=info)


def build_parser():
    p = argparse.ArgumentParser(prog="python3 -m lic.adapt.export", description=__doc__.split("\n")[0])
    p.add_argument("--task", required=True, choices=("detection", "segmentation", "human"))
    p.add_argument("--adaptor", required=True, help="the adaptor checkpoint (lic.adapt's checkpoint.pt)")
    p.add_argument("--out", required=True)
    p.add_argument("--name", default=None)
    p.add_argument("--version", type=int, default=1)
    p.add_argument("--task-model", default=None,
                   help="default: ../shared/data/models/yolox_nano.onnx (detection), training/task-models/camvid-segnet.onnx")
    p.add_argument("--codec-checkpoint", default="checkpoints/hyperprior-vr.pt")
    p.add_argument("--codec-pack", default="../codec-core/src/main/resources/lic/packs/codec/hyperprior-vr")
    p.add_argument("--s-adaptor", default=None, help="the lic.adapt.joint checkpoint of an S-adapted --codec-pack")
    p.add_argument("--selftest-image", default=SELFTEST_IMAGE)
    return p


def main(argv=None):
    args = build_parser().parse_args(argv)
    torch.set_num_threads(2)
    task_model = args.task_model or DEFAULT_TASK_MODELS.get(args.task)
    export_pack(args.task, args.adaptor, args.out, task_model=task_model, codec_checkpoint=args.codec_checkpoint,
                codec_pack=args.codec_pack, name=args.name, version=args.version, selftest_image=args.selftest_image,
                s_adaptor=args.s_adaptor)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
