"""lic.adapt: the ONNX importer, the adaptor block, the COCO evaluator."""
import os

import numpy as np
import onnx
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from onnx import TensorProto, helper, numpy_helper

from conftest import REPO
from lic.adapt import coco_eval
from lic.adapt.onnx_import import OnnxModule, UnsupportedOp
from lic.adapt.spectral import AdaptorBlock, SpectralMask, next_pow2

YOLOX = os.path.normpath(os.path.join(REPO, "..", "shared", "data", "models", "yolox_nano.onnx"))


# ---------------------------------------------------------------------------------------------
# ONNX importer
# ---------------------------------------------------------------------------------------------

def _hand_graph(tmp_path):
    """Conv(pads) -> Relu -> MaxPool -> Resize(nearest x2) -> Concat with a Slice of the input ->
    Transpose -> Reshape(batch 1 baked in) -> Sigmoid*x, built with onnx.helper."""
    rng = np.random.default_rng(0)
    w = rng.normal(size=(4, 3, 3, 3)).astype(np.float32)
    b = rng.normal(size=(4,)).astype(np.float32)
    inits = [numpy_helper.from_array(w, "w"), numpy_helper.from_array(b, "b"),
             numpy_helper.from_array(np.array([1, 1, 2, 2], np.float32), "scales"),
             numpy_helper.from_array(np.array([0], np.int64), "s0"), numpy_helper.from_array(np.array([2], np.int64), "s1"),
             numpy_helper.from_array(np.array([1], np.int64), "ax"),
             numpy_helper.from_array(np.array([1, -1, 6], np.int64), "shape")]
    nodes = [
        helper.make_node("Conv", ["x", "w", "b"], ["c"], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["r"]),
        helper.make_node("MaxPool", ["r"], ["p"], kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Resize", ["p", "", "scales"], ["u"], mode="nearest",
                         coordinate_transformation_mode="asymmetric", nearest_mode="floor"),
        helper.make_node("Slice", ["x", "s0", "s1", "ax"], ["xs"]),
        helper.make_node("Concat", ["u", "xs"], ["cat"], axis=1),
        helper.make_node("Transpose", ["cat"], ["t"], perm=[0, 2, 3, 1]),
        helper.make_node("Reshape", ["t", "shape"], ["rs"]),
        helper.make_node("Sigmoid", ["rs"], ["sg"]),
        helper.make_node("Mul", ["rs", "sg"], ["y"]),
    ]
    graph = helper.make_graph(nodes, "hand", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 64, 6])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    path = str(tmp_path / "hand.onnx")
    onnx.save(model, path)
    return path, w, b


def _hand_reference(x, w, b):
    """The same computation in numpy/torch written out independently of the importer."""
    c = F.conv2d(torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(b), padding=1).numpy()
    r = np.maximum(c, 0)
    n, c, h, w_ = r.shape
    p = r.reshape(n, c, h // 2, 2, w_ // 2, 2).max(axis=(3, 5))
    u = p.repeat(2, axis=2).repeat(2, axis=3)
    cat = np.concatenate([u, x[:, :2]], axis=1)
    rs = cat.transpose(0, 2, 3, 1).reshape(x.shape[0], -1, 6)
    return rs / (1 + np.exp(-rs))


def test_hand_built_graph_matches_its_definition(tmp_path):
    path, w, b = _hand_graph(tmp_path)
    net = OnnxModule(path)
    x = np.random.default_rng(1).normal(size=(1, 3, 8, 8)).astype(np.float32)
    np.testing.assert_allclose(net(torch.from_numpy(x)).numpy(), _hand_reference(x, w, b), rtol=1e-5, atol=1e-5)
    # batch_agnostic: the Reshape's baked batch 1 follows the input's batch
    x2 = np.random.default_rng(2).normal(size=(3, 3, 8, 8)).astype(np.float32)
    np.testing.assert_allclose(net(torch.from_numpy(x2)).numpy(), _hand_reference(x2, w, b), rtol=1e-5, atol=1e-5)
    inter = net(torch.from_numpy(x), outputs=["p", "u"])
    assert inter["p"].shape == (1, 4, 4, 4) and inter["u"].shape == (1, 4, 8, 8)


class _Small(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.dw = nn.Conv2d(8, 8, 3, padding=1, groups=8)
        self.fc = nn.Linear(8, 5)

    def forward(self, x):
        h = F.silu(self.bn(self.conv(x)))
        h = F.avg_pool2d(F.leaky_relu(self.dw(h), 0.1), 2) + F.interpolate(h, scale_factor=0.5, mode="bilinear",
                                                                           align_corners=False)
        return torch.softmax(self.fc(torch.flatten(F.adaptive_avg_pool2d(h, 1), 1)), dim=-1), h


def test_torch_exported_graph_matches_torch_and_trains(tmp_path):
    torch.manual_seed(0)
    m = _Small().eval()
    with torch.no_grad():
        m.bn.running_mean.normal_()
        m.bn.running_var.uniform_(0.5, 2)
    path = str(tmp_path / "small.onnx")
    torch.onnx.export(m, torch.rand(1, 3, 16, 16), path, opset_version=13, input_names=["x"],
                      output_names=["probs", "feat"])
    net = OnnxModule(path, trainable=True)
    x = torch.rand(1, 3, 16, 16)
    with torch.no_grad():
        want = m(x)
    got = net(x)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g.detach().numpy(), w.numpy(), rtol=1e-4, atol=1e-5)
    got[0][0, 0].backward()
    grads = [p.grad for p in net.parameters()]
    assert grads and all(g is not None for g in grads) and any(float(g.abs().sum()) > 0 for g in grads)


def test_unsupported_op_is_named(tmp_path):
    node = helper.make_node("Einsum", ["x", "x"], ["y"], equation="ij,jk->ik")
    graph = helper.make_graph([node], "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 2])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 2])])
    path = str(tmp_path / "einsum.onnx")
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)
    with pytest.raises(UnsupportedOp, match="Einsum"):
        OnnxModule(path)


@pytest.mark.skipif(not os.path.exists(YOLOX), reason="../shared/data/models/yolox_nano.onnx not present")
def test_yolox_nano_imports_with_its_features():
    from lic.adapt.tasknet import YOLOX_NANO_FEATURES
    net = OnnxModule(YOLOX)
    x = torch.rand(2, 3, 416, 416) * 255
    with torch.no_grad():
        out = net(x)
        feats = net(x[:1], outputs=YOLOX_NANO_FEATURES)
        one = net(x[1:])
    assert out.shape == (2, 3549, 85)
    np.testing.assert_allclose(out[1:].numpy(), one.numpy(), rtol=1e-4, atol=1e-4)   # batch == one by one
    assert [tuple(feats[f].shape) for f in YOLOX_NANO_FEATURES] == [(1, 64, 52, 52), (1, 128, 26, 26), (1, 256, 13, 13)]
    assert float(out[..., 4].min()) >= 0 and float(out[..., 4].max()) <= 1     # objectness is a probability


# ---------------------------------------------------------------------------------------------
# Adaptor block
# ---------------------------------------------------------------------------------------------

def test_next_pow2():
    assert [next_pow2(n) for n in (1, 2, 3, 4, 5, 64, 65, 96, 128, 8192, 8193, 65535)] == \
        [1, 2, 4, 4, 8, 64, 128, 128, 128, 8192, 16384, 65536]
    with pytest.raises(ValueError):
        next_pow2(0)


def test_adaptor_block_starts_as_identity():
    block = AdaptorBlock(6, k=4)
    x = torch.randn(2, 6, 10, 7)
    assert torch.equal(block(x), x)


def _numpy_spectral(x, grid):
    """IFFT2(M * FFT2(x zero-padded to powers of two)), M bilinear-periodic from the grid, cropped."""
    _, c, h, w = x.shape
    lh, lw = 1 << (h - 1).bit_length(), 1 << (w - 1).bit_length()
    k = grid.shape[-1]

    def interp(n):
        m = np.zeros((n, k))
        for i in range(n):
            p = i * k / n
            i0 = int(np.floor(p))
            m[i, i0 % k] += 1 - (p - i0)
            m[i, (i0 + 1) % k] += p - i0
        return m

    mask = interp(lh) @ (grid[0] + 1j * grid[1]) @ interp(lw).T
    spec = np.fft.fft2(x, s=(lh, lw))
    return np.real(np.fft.ifft2(spec * mask))[:, :, :h, :w]


def test_spectral_mask_matches_numpy_and_its_onnx_path(monkeypatch):
    torch.manual_seed(0)
    sm = SpectralMask(3, k=4)
    with torch.no_grad():
        sm.grid.normal_()
    for h, w in [(12, 5), (1, 1), (1, 9), (7, 2), (33, 64)]:
        x = torch.randn(2, 3, h, w)
        monkeypatch.setattr(torch.onnx, "is_in_onnx_export", lambda: False)
        got = sm(x).detach().numpy()
        np.testing.assert_allclose(got, _numpy_spectral(x.numpy().astype(np.float64), sm.grid.detach().numpy()),
                                   rtol=1e-4, atol=1e-4)
        # the export branch outside tracing: the branch with the mask's Hermitian part gives the same output
        monkeypatch.setattr(torch.onnx, "is_in_onnx_export", lambda: True)
        with torch.no_grad():
            np.testing.assert_allclose(sm(x).numpy(), got, rtol=1e-4, atol=1e-4)


def test_adaptor_block_exports_matrix_product_transforms(tmp_path):
    torch.manual_seed(0)
    block = AdaptorBlock(4, k=4).eval()
    with torch.no_grad():
        block.spectral.grid.normal_()
        block.pw.weight.normal_()
    path = str(tmp_path / "block.onnx")
    torch.onnx.export(block, torch.randn(1, 4, 6, 9), path, opset_version=17, input_names=["x"],
                      output_names=["y"], dynamic_axes={"x": {2: "h", 3: "w"}})
    model = onnx.load(path)
    onnx.checker.check_model(model)
    ops = [n.op_type for n in model.graph.node]
    assert "DFT" not in ops and "MatMul" in ops
    # compact (lic.adapt.spectral_onnx): ONNX Runtime's session creation grows faster than linearly with
    # the nodes; the traced four-step version had ~470 besides its constants
    assert len([op for op in ops if op != "Constant"]) < 250
    # the exported sizes are dynamic: the graph (run by the importer) matches the eager branch at other
    # sizes, down to 1 and up to transforms of 1,024 points (both factors of the four-step split > 1)
    net = OnnxModule(path)
    for h, w in [(6, 9), (11, 20), (1, 3), (1, 1), (64, 17), (33, 64), (130, 300), (5, 513)]:
        x = torch.randn(1, 4, h, w)
        with torch.no_grad():
            want = block(x).numpy()
            np.testing.assert_allclose(net(x).numpy(), want, rtol=1e-4, atol=1e-4 * np.abs(want).max())


def test_spectral_tables_reach_the_largest_transform():
    # a 65,535-pixel side (the bitstream's limit) pads to 65,536; a block at 1/2 resolution transforms
    # 32,768 points: its factors must be slices of the DFT table and its twiddles inside the twiddle table
    from lic.adapt import spectral_onnx as so
    assert (1 << so.EMAX) == 65536 // 2 and so.TMAX == 1 << so.EMAX
    for tables in (so._axis_tables(True, 8), so._axis_tables(False, 8)):
        for e in range(so.EMAX + 1):
            l1, l2 = so._split(e)
            assert l1 * l2 == 1 << e and l1 <= l2 <= so.KMAX and so.KMAX % l2 == 0
            assert tables["f1_ends"][e][0] <= so.KMAX and tables["f2_ends"][e][0] <= so.KMAX
            assert (tables["rows"][e][0] - 1) * (l2 - 1) * tables["tstep"][e][0] < so.TMAX
    # the half spectrum's weights: each kept row twice, but k1 = 0 and L1 / 2, over L
    w = so._axis_tables(True, 8)["weight"][6][:, 0] * 64        # L = 64 = 8 x 8: rows 0..4
    np.testing.assert_allclose(w[:6], [1, 2, 2, 2, 1, 0])


def test_blocks_store_their_shared_tables_once(tmp_path):
    from lic.onnx_constants import share_constants
    torch.manual_seed(0)
    two = torch.nn.Sequential(AdaptorBlock(3, k=4), AdaptorBlock(3, k=4)).eval()
    with torch.no_grad():                  # non-zero masks: the tables' values reach the output
        for block in two:
            block.spectral.grid.normal_()
    path = str(tmp_path / "two.onnx")
    torch.onnx.export(two, torch.randn(1, 3, 8, 8), path, opset_version=17, input_names=["x"],
                      output_names=["y"], dynamic_axes={"x": {2: "h", 3: "w"}})
    model = onnx.load(path)
    x = torch.randn(1, 3, 9, 14)
    before = OnnxModule(model)(x)
    share_constants(model)
    onnx.checker.check_model(model)
    shapes = [tuple(t.dims) for t in model.graph.initializer]
    assert shapes.count((2, 256, 256)) == 1 and not any(n.op_type == "Constant" for n in model.graph.node)
    assert torch.equal(OnnxModule(model)(x), before)


# ---------------------------------------------------------------------------------------------
# COCO-style mAP, hand-made cases
# ---------------------------------------------------------------------------------------------

BOX = (0.0, 0.0, 10.0, 10.0)


def _map(gt, dets, **kw):
    return coco_eval.evaluate(gt, dets, **kw)


def test_perfect_detection_is_one():
    r = _map({"a": [(0, *BOX)]}, {"a": [(0, 0.9, *BOX)]})
    assert r["map"] == pytest.approx(1.0) and r["map50"] == pytest.approx(1.0)


def test_false_positive_ranked_first_halves_precision():
    r = _map({"a": [(0, *BOX)]}, {"a": [(0, 0.9, 50, 50, 60, 60), (0, 0.8, *BOX)]})
    assert r["map"] == pytest.approx(0.5)


def test_iou_thresholds_count():
    # IoU 0.62: a true positive at t = 0.50, 0.55, 0.60 only -> AP 3/10; AP50 1; AP75 0
    r = _map({"a": [(0, *BOX)]}, {"a": [(0, 0.9, 0.0, 0.0, 10.0, 6.2)]})
    assert r["map"] == pytest.approx(0.3) and r["map50"] == pytest.approx(1.0) and r["map75"] == 0.0


def test_duplicate_after_the_match_does_not_lower_ap():
    r = _map({"a": [(0, *BOX)]}, {"a": [(0, 0.9, *BOX), (0, 0.8, *BOX)]})
    assert r["map"] == pytest.approx(1.0)


def test_half_recall():
    # two objects, one found: precision 1 up to recall 0.5 -> 51 of the 101 recall points
    r = _map({"a": [(0, *BOX), (0, 20, 20, 30, 30)]}, {"a": [(0, 0.9, *BOX)]})
    assert r["map"] == pytest.approx(51 / 101)


def test_classes_without_ground_truth_are_left_out_and_missed_classes_score_zero():
    gt = {"a": [(0, *BOX)], "b": [(1, *BOX)]}
    dets = {"a": [(0, 0.9, *BOX), (2, 0.9, *BOX)], "b": []}
    r = _map(gt, dets, num_classes=3)
    assert r["map"] == pytest.approx(0.5) and r["per_class"] == {0: 1.0, 1: 0.0}


def test_max_dets_keeps_the_highest_scores_per_image_and_class():
    gt = {"a": [(0, *BOX)]}
    dets = {"a": [(0, 0.9, 50, 50, 60, 60), (0, 0.8, 70, 70, 80, 80), (0, 0.1, *BOX)]}
    assert _map(gt, dets, max_dets=2)["map"] == 0.0
    assert _map(gt, dets, max_dets=3)["map"] == pytest.approx(1 / 3)


def test_greedy_matching_takes_the_best_iou():
    # the first detection overlaps both objects but matches the better one; the second takes the other
    gt = {"a": [(0, 0, 0, 10, 10), (0, 0, 0, 10, 12)]}
    dets = {"a": [(0, 0.9, 0, 0, 10, 12), (0, 0.8, 0, 0, 10, 10)]}
    assert _map(gt, dets)["map"] == pytest.approx(1.0)


def test_images_are_matched_separately():
    gt = {"a": [(0, *BOX)], "b": []}
    dets = {"a": [], "b": [(0, 0.9, *BOX)]}   # the right box in the wrong image
    assert _map(gt, dets)["map"] == 0.0


# ---------------------------------------------------------------------------------------------
# python3 -m lic.adapt: train (resumable), export a pack that loads
# ---------------------------------------------------------------------------------------------

class _TinySegmenter(nn.Module):
    """11 logits at stride 8 from RGB in [0, 1]: a stand-in task network exported to ONNX in the test."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.head = nn.Conv2d(8, 11, 3, stride=4, padding=1)

    def forward(self, x):
        return self.head(F.relu(self.conv(x)))


def _adapt_args(tmp_path, net_path, out, steps):
    from conftest import KODAK, PACK_VR
    return ["--task-model", net_path, "--task", "segmentation", "--out", str(out), "--steps", str(steps),
            "--crop", "64", "--batch", "1", "--log-every", "1", "--threads", "1", "--data", KODAK,
            "--codec-checkpoint", os.path.join(PACK_VR, "checkpoint.pt"),
            "--codec-pack", os.path.join(PACK_VR, "codec")]


@pytest.mark.skipif(not os.path.isdir(os.path.join(REPO, "..", "shared", "data", "kodak")), reason="no Kodak")
def test_adapt_trains_resumes_exactly_and_exports_a_pack(tmp_path):
    from conftest import PACK_VR
    from lic.adapt.train import main as adapt
    from lic.pack import load_codec_pack
    torch.manual_seed(0)
    net_path = str(tmp_path / "seg.onnx")
    torch.onnx.export(_TinySegmenter().eval(), torch.rand(1, 3, 64, 64), net_path, opset_version=13,
                      input_names=["images"], output_names=["logits"], dynamic_axes={"images": {2: "h", 3: "w"}})
    adapt(_adapt_args(tmp_path, net_path, tmp_path / "straight", 3))
    adapt(_adapt_args(tmp_path, net_path, tmp_path / "resumed", 3) + ["--run-steps", "2"])
    assert torch.load(tmp_path / "resumed" / "checkpoint.pt")["step"] == 2
    pack_dir = tmp_path / "pack"
    adapt(_adapt_args(tmp_path, net_path, tmp_path / "resumed", 3) + ["--pack-out", str(pack_dir)])
    straight = torch.load(tmp_path / "straight" / "checkpoint.pt")
    resumed = torch.load(tmp_path / "resumed" / "checkpoint.pt")
    assert straight["step"] == resumed["step"] == 3
    for k, v in straight["adaptor"].items():
        assert torch.equal(v, resumed["adaptor"][k]), k
    assert any(float(v.abs().sum()) > 0 for k, v in resumed["adaptor"].items() if "pw.weight" in k)   # it learned
    codec = load_codec_pack(os.path.join(PACK_VR, "codec"))
    from lic.pack import load_adaptor_pack
    pack = load_adaptor_pack(str(pack_dir), [codec.codec_id])
    with open(pack_dir / "manifest.json", encoding="utf-8") as f:
        manifest = __import__("json").load(f)
    assert manifest["task"] == "segmentation" and manifest["codec_id"] == codec.codec_id
    assert manifest["postprocess"] == {"stride": 8, "upsample": "bilinear"}
    assert manifest["training"]["adaptor_parameters"] > 0
    assert pack is not None


@pytest.mark.skipif(not os.path.isdir(os.path.join(REPO, "..", "shared", "data", "kodak")), reason="no Kodak")
def test_task_scale_feeds_the_task_network_a_resized_decode(tmp_path):
    from lic.adapt.train import main as adapt, to_task_scale
    x = torch.rand(2, 3, 64, 64)
    assert to_task_scale(x, 1.0) is x
    half = to_task_scale(x, 0.5)
    assert half.shape == (2, 3, 32, 32)
    assert torch.allclose(half, F.interpolate(x, size=(32, 32), mode="bilinear", align_corners=False))
    torch.manual_seed(0)
    net_path = str(tmp_path / "seg.onnx")
    torch.onnx.export(_TinySegmenter().eval(), torch.rand(1, 3, 64, 64), net_path, opset_version=13,
                      input_names=["images"], output_names=["logits"], dynamic_axes={"images": {2: "h", 3: "w"}})
    adapt(_adapt_args(tmp_path, net_path, tmp_path / "scaled", 2) + ["--task-scale", "0.5"])
    ck = torch.load(tmp_path / "scaled" / "checkpoint.pt")
    assert ck["step"] == 2 and ck["args"]["task_scale"] == 0.5


def test_report_envelope_and_bd_rate():
    from lic.adapt.report import bd, envelope
    curve = [{"bpp": b, "map": m} for b, m in [(0.1, 0.10), (0.2, 0.20), (0.3, 0.19), (0.4, 0.25), (0.8, 0.30)]]
    assert envelope(curve, "map") == ([0.1, 0.2, 0.4, 0.8], [10.0, 20.0, 25.0, 30.0])
    half = [{"bpp": p["bpp"] / 2, "map": p["map"]} for p in curve]
    summary = {"task": "detection", "curves": {"a": curve, "b": half, "short": curve[:3]}}
    assert bd(summary, "b", "a") == pytest.approx(-0.5)       # same quality at half the bits
    assert bd(summary, "short", "a") is None                  # 2 monotone points: no number


def test_negative_step_slice_flips_like_onnx(tmp_path):
    inits = [numpy_helper.from_array(np.array([-1], np.int64), n) for n in ("s",)] + [
        numpy_helper.from_array(np.array([-(2 ** 62)], np.int64), "e"),
        numpy_helper.from_array(np.array([1], np.int64), "ax"), numpy_helper.from_array(np.array([-1], np.int64), "st")]
    node = helper.make_node("Slice", ["x", "s", "e", "ax", "st"], ["y"])
    graph = helper.make_graph([node], "flip", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 2, 2])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3, 2, 2])], inits)
    path = str(tmp_path / "flip.onnx")
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), path)
    x = torch.arange(12, dtype=torch.float32).reshape(1, 3, 2, 2)
    assert torch.equal(OnnxModule(path)(x), x.flip(1))         # RGB <-> BGR, as torch exports x.flip(1)


def test_an_imported_graph_re_exports_with_dynamic_sizes(tmp_path):
    # the CamVid network is exported from a module that wraps an imported graph: its Resize must stay a
    # resize by scales (not the traced size), or the exported network only runs at the example's size
    path, w, b = _hand_graph(tmp_path)
    again = str(tmp_path / "again.onnx")
    torch.onnx.export(OnnxModule(path).eval(), torch.rand(1, 3, 8, 8), again, opset_version=13, input_names=["x"],
                      output_names=["y"], dynamic_axes={"x": {2: "h", 3: "w"}})
    x = np.random.default_rng(3).normal(size=(1, 3, 16, 24)).astype(np.float32)
    with torch.no_grad():
        np.testing.assert_allclose(OnnxModule(again)(torch.from_numpy(x)).numpy(), _hand_reference(x, w, b),
                                   rtol=1e-5, atol=1e-5)


def test_a_graph_with_shape_driven_resize_re_exports_with_dynamic_sizes(tmp_path):
    # the segmentation pack wraps the imported CamVid network, whose head upsamples to a skip connection's
    # size (Shape -> Slice -> Resize(sizes)): the re-exported pack must follow the input's size
    class Skip(nn.Module):
        def forward(self, x):
            return F.interpolate(x[:, :, ::2, ::2], size=x.shape[2:], mode="bilinear", align_corners=False) + x

    first, again = str(tmp_path / "skip.onnx"), str(tmp_path / "skip-again.onnx")
    torch.onnx.export(Skip(), torch.rand(1, 2, 8, 8), first, opset_version=13, input_names=["x"],
                      output_names=["y"], dynamic_axes={"x": {2: "h", 3: "w"}})
    torch.onnx.export(OnnxModule(first).eval(), torch.rand(1, 2, 8, 8), again, opset_version=13,
                      input_names=["x"], output_names=["y"], dynamic_axes={"x": {2: "h", 3: "w"}})
    x = torch.rand(1, 2, 12, 20)
    with torch.no_grad():
        np.testing.assert_allclose(OnnxModule(again)(x).numpy(), Skip()(x).numpy(), rtol=1e-5, atol=1e-5)


def test_a_strided_slice_to_the_end_stays_dynamic_when_re_exported(tmp_path):
    # YOLOX's first layer (Focus) slices [0::2] with end INT64_MAX; a baked end would shrink larger inputs
    class Focus(nn.Module):
        def forward(self, x):
            return torch.cat([x[..., ::2, ::2], x[..., 1::2, ::2], x[..., ::2, 1::2], x[..., 1::2, 1::2]], 1)

    first, again = str(tmp_path / "focus.onnx"), str(tmp_path / "focus-again.onnx")
    torch.onnx.export(Focus(), torch.rand(1, 3, 8, 8), first, opset_version=13, input_names=["x"],
                      output_names=["y"], dynamic_axes={"x": {2: "h", 3: "w"}})
    torch.onnx.export(OnnxModule(first).eval(), torch.rand(1, 3, 8, 8), again, opset_version=13,
                      input_names=["x"], output_names=["y"], dynamic_axes={"x": {2: "h", 3: "w"}})
    x = torch.rand(1, 3, 16, 24)
    assert torch.equal(OnnxModule(again)(x), Focus()(x))


# ---------------------------------------------------------------------------------------------
# Output distillation (YOLOX format) and how a task spec asks for it
# ---------------------------------------------------------------------------------------------

def test_yolox_output_distillation_prices_scores_everywhere_and_boxes_where_the_teacher_sees_objects():
    from lic.adapt.detection import yolox_output_distillation
    torch.manual_seed(0)
    teacher = torch.rand(2, 30, 85)
    teacher[:, 10:, 4] = 0.0                                       # no object at anchors 10..29
    assert float(yolox_output_distillation(teacher.clone(), teacher)) == 0.0
    moved = teacher.clone()
    moved[:, 10:, :4] += 5.0                                      # boxes where there is no object: free
    assert float(yolox_output_distillation(moved, teacher)) == 0.0
    moved = teacher.clone()
    moved[:, :10, :4] += 0.5                                      # boxes of objects: weighted mean |error|
    assert float(yolox_output_distillation(moved, teacher)) == pytest.approx(0.5, rel=1e-5)
    moved = teacher.clone()
    moved[:, :, 5:] = teacher[:, :, 5:] * 0.5                     # every score halved: 1/4 of its energy
    assert float(yolox_output_distillation(moved, teacher)) == pytest.approx(0.25, rel=1e-5)


@pytest.mark.skipif(not os.path.exists(YOLOX), reason="no YOLOX-nano")
def test_output_weight_appends_the_detector_output_to_the_distilled_responses():
    from lic.adapt.tasknet import TaskNetwork, YOLOX_NANO_FEATURES
    plain = TaskNetwork(YOLOX, "bgr255", YOLOX_NANO_FEATURES)
    with_output = TaskNetwork(YOLOX, "bgr255", YOLOX_NANO_FEATURES, output_weight=1.0)
    x = torch.rand(1, 3, 64, 96)
    with torch.no_grad():
        a, b = plain.feature_maps(x), with_output.feature_maps(x)
        raw = with_output(x)
    assert len(a) == 3 and len(b) == 4
    assert all(torch.equal(u, v) for u, v in zip(a, b[:3]))
    assert b[3].shape == (1, 8 * 12 + 4 * 6 + 2 * 3, 85) and torch.equal(b[3], raw)


def test_a_task_spec_takes_an_output_weight_for_detection_only():
    import argparse
    from lic.adapt.joint import parse_task
    spec = "kind=detection,model=m.onnx,data=d,output=0.5"
    assert parse_task(spec)["output"] == 0.5
    assert parse_task("kind=detection,model=m.onnx,data=d")["output"] == 0.0
    for bad in ("kind=segmentation,model=m.onnx,data=d,output=1", "kind=detection,model=m.onnx,data=d,output=x"):
        with pytest.raises(argparse.ArgumentTypeError):
            parse_task(bad)


# ---------------------------------------------------------------------------------------------
# Bootstrap intervals of task BD-rates (lic.adapt.bdci)
# ---------------------------------------------------------------------------------------------

def _bdci_case(tmp_path):
    """6 images with hand-made boxes; an anchor curve of 5 points whose detections get better with rate,
    and a test curve with the same detections at half the bytes."""
    from lic.adapt.bdci import DetectionScorer
    rng = np.random.default_rng(0)
    gt, results = {}, []
    for i in range(6):
        boxes = []
        for _ in range(3):
            x0, y0 = rng.uniform(0, 200, 2)
            boxes.append((int(rng.integers(0, 3)), x0, y0, x0 + rng.uniform(20, 80), y0 + rng.uniform(20, 80)))
        gt[f"im{i}.jpg"] = (320 * 240, boxes)
    for point in range(5):
        res = {}
        for name, (_, boxes) in gt.items():
            jitter = 12.0 / (point + 1)          # boxes closer to the truth at higher rates
            dets = [[c, 0.9 - 0.1 * k, x0 + jitter, y0, x1 + jitter, y1] for k, (c, x0, y0, x1, y1) in enumerate(boxes)]
            res[name] = {"bytes": 1000 * (point + 1) + int(rng.integers(0, 300)), "dets": dets}
        results.append(res)
    for label, scale in (("anchor", 1.0), ("half", 0.5)):
        folder = tmp_path / label / "results"
        folder.mkdir(parents=True)
        for point, res in enumerate(results):
            scaled = {n: {**r, "bytes": r["bytes"] * scale} for n, r in res.items()}
            (folder / f"x-rate{point}.json").write_text(__import__("json").dumps(scaled))
    return DetectionScorer(gt), gt, results


def test_bdci_pools_per_image_matches_like_the_evaluator_and_resamples_consistently(tmp_path):
    from lic.adapt.bdci import bootstrap, parse_curve, summarise
    scorer, gt, results = _bdci_case(tmp_path)
    # pooling per-image matches == the evaluator, also with an image drawn twice (scored as two images)
    res = results[2]
    names = sorted(gt)
    parts = [coco_eval.image_matches(gt[n][1], [tuple(d) for d in res[n]["dets"]]) for n in names]
    assert scorer.metric(parts) == coco_eval.evaluate({n: gt[n][1] for n in names},
                                                      {n: [tuple(d) for d in res[n]["dets"]] for n in names},
                                                      num_classes=80)["map"]
    draw = [0, 0, 3, 5]
    twice = {f"{names[i]}#{k}": gt[names[i]][1] for k, i in enumerate(draw)}
    dets = {f"{names[i]}#{k}": [tuple(d) for d in res[names[i]]["dets"]] for k, i in enumerate(draw)}
    assert scorer.metric([parts[i] for i in draw]) == pytest.approx(
        coco_eval.evaluate(twice, dets, num_classes=80)["map"], abs=1e-12)

    curves = dict([parse_curve(f"anchor={tmp_path / 'anchor'}:x-rate"), parse_curve(f"half={tmp_path / 'half'}:x-rate")])
    out = bootstrap(scorer, curves, "anchor", boot=20, seed=1)
    assert out["images"] == 6
    half = out["tests"]["half"]
    # the same detections at half the bytes: -50 % on the full set and on every resample (same draw per curve)
    assert half["bd"] == pytest.approx(-0.5, abs=1e-9)
    assert len(half["boot"]) == 20 and all(v == pytest.approx(-0.5, abs=1e-9) for v in half["boot"] if v is not None)
    row = summarise(out, bar=-0.2)["tests"]["half"]
    assert row["ci95"] == pytest.approx([-0.5, -0.5], abs=1e-9) and row["p_at_or_below_bar"] == 1.0
    # paired differences: a curve against itself is 0 on every resample
    same = dict(curves, again=curves["half"])
    paired = summarise(bootstrap(scorer, same, "anchor", boot=10, seed=2), versus="half")["tests"]
    assert paired["again"]["minus_half"]["bd"] == pytest.approx(0.0, abs=1e-12)
    assert paired["again"]["minus_half"]["ci95"] == pytest.approx([0.0, 0.0], abs=1e-12)
    assert "minus_half" not in paired["half"]
    with pytest.raises(__import__("argparse").ArgumentTypeError):
        parse_curve(f"none={tmp_path / 'anchor'}:no-such-prefix")
