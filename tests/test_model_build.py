"""The built pipeline models: graph inputs, the preview working size, the manifest."""

from __future__ import annotations

import json

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
import onnxruntime as ort
import pytest

from tests.drawings import draw_subject, subject_and_background
from unbg.build.bands import SCRATCH_BUDGET, band_constants, scratch_by_node, split_node, splittable
from unbg.build.pipeline import optimised_offline, pipeline_model
from unbg.build.transposes import transposes_before_dequantize
from unbg.core.models import BEST_VIEWS, PREVIEW_SIZE
from unbg.native.engine import compose_cutout, find_model_dir


def feeds(rgba: np.ndarray, size: int, views: int = 1) -> dict:
    return {"rgba": rgba, "size": np.array([size, size], np.int64), "views": np.array([views], np.int64)}


def _session(model, level: ort.GraphOptimizationLevel = ort.GraphOptimizationLevel.ORT_ENABLE_ALL) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.graph_optimization_level = level
    options.log_severity_level = 3
    return ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])


@pytest.fixture(scope="module")
def quality():
    return _session(str(find_model_dir() / "quality.onnx"))


def test_manifest_names_sizes_hashes_and_which_model_previews():
    manifest = json.loads((find_model_dir() / "models.json").read_text())
    assert set(manifest) == {"quality", "fast"}
    for entry in manifest.values():
        assert (find_model_dir() / entry["file"]).stat().st_size == entry["bytes"]
        assert len(entry["sha256"]) == 64
    assert manifest["quality"]["preview"] is True and manifest["fast"]["preview"] is True
    # The int8 model is optimised by the build; float16 weights would be widened by it.
    assert manifest["fast"]["optimised"] is True and manifest["quality"]["optimised"] is False
    assert manifest["quality"]["gpu"] is True and manifest["fast"]["gpu"] is False  # int8 stays on the CPU


def test_the_gpu_model_computes_in_float32_from_weights_kept_in_float16():
    # Any WebGPU adapter runs float32 (float16 needs shader-f16); float16 storage keeps the download.
    graph = onnx.load(str(find_model_dir() / "quality.onnx")).graph
    to_half = [node.name for node in graph.node if node.op_type == "Cast" and node.attribute[0].i == TensorProto.FLOAT16]
    assert not to_half
    weights = [init for init in graph.initializer if init.data_type == TensorProto.FLOAT16]
    widened = [init.name for init in graph.initializer if init.data_type == TensorProto.FLOAT and np.prod(init.dims) > 1000]
    assert len(weights) > 100 and not widened


def test_inputs_are_rgba_of_any_size_and_the_working_size(quality):
    inputs = {i.name: (i.type, i.shape) for i in quality.get_inputs()}
    assert inputs == {"rgba": ("tensor(uint8)", ["height", "width", 4]), "size": ("tensor(int64)", [2]),
                      "views": ("tensor(int64)", [1])}
    assert [o.name for o in quality.get_outputs()] == ["alpha", "edge_index", "edge_colour"]


def test_quality_model_previews_at_a_low_working_size(quality):
    width, height = 480, 360
    rgba = np.asarray(draw_subject(width, height).convert("RGBA"))
    (alpha,) = quality.run(["alpha"], feeds(rgba, PREVIEW_SIZE))
    assert alpha.shape == (height, width) and alpha.dtype == np.uint8
    inside, outside = subject_and_background(width, height)
    assert alpha[inside].min() > 200 and alpha[outside].max() < 30


def _red_channel_isnet() -> onnx.ModelProto:
    """A stand-in for ISNet: its mask is the red channel (x/255 − 0.5 + 0.5)."""
    n = helper.make_node
    graph = helper.make_graph(
        [n("Slice", ["input", "start", "end", "axis"], ["red"]), n("Add", ["red", "half"], ["output"])],
        "red", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, "h", "w"])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 1, "h", "w"])],
        initializer=[numpy_helper.from_array(np.array(v, t), name) for name, v, t in
                     [("start", [0], np.int64), ("end", [1], np.int64), ("axis", [1], np.int64), ("half", 0.5, np.float32)]])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)], ir_version=8)


def test_best_edges_average_the_mask_of_the_photo_and_of_its_mirror():
    # A stand-in whose mask is the red channel moved 8 pixels right: on the mirrored photo it
    # moves it left, so two views give the mean of both shifts (one view, the right shift).
    n = helper.make_node
    shift = 8
    graph = helper.make_graph(
        [n("Slice", ["input", "start", "end", "axis"], ["red"]),
         n("Pad", ["red", "pads", "low"], ["padded"]),
         n("Slice", ["padded", "start", "crop_end", "w_axis"], ["shifted"]),
         n("Add", ["shifted", "half"], ["output"])],
        "shifted_red", [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["n", 3, "h", "w"])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["n", 1, "h", "w"])],
        initializer=[numpy_helper.from_array(np.array(v, t), name) for name, v, t in [
            ("start", [0], np.int64), ("end", [1], np.int64), ("axis", [1], np.int64), ("w_axis", [3], np.int64),
            ("crop_end", [-shift], np.int64), ("pads", [0, 0, 0, shift, 0, 0, 0, 0], np.int64),
            ("low", -0.5, np.float32), ("half", 0.5, np.float32)]])
    isnet = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)], ir_version=8)
    session = _session(pipeline_model(isnet, pivot=0.5).SerializeToString())
    size = 128
    red = np.zeros((size, size), np.float32)
    red[32:96, 40:80] = 1.0
    red[50:70, 80:100] = 0.6  # an arm on one side only: the two shifts differ
    rgba = np.zeros((size, size, 4), np.uint8)
    rgba[..., 0], rgba[..., 3] = np.round(red * 255), 255
    red = rgba[..., 0].astype(np.float32) / 255

    def levels(mask):
        return np.round(np.clip((mask - 0.5) * 3 + 0.5, 0, 1) * 255)

    right = np.pad(red, ((0, 0), (shift, 0)))[:, :size]
    left = np.pad(red, ((0, 0), (0, shift)))[:, shift:]
    (one,) = session.run(["alpha"], feeds(rgba, size, views=1))
    (two,) = session.run(["alpha"], feeds(rgba, size, views=BEST_VIEWS))
    assert np.abs(one - levels(right)).max() <= 1
    assert np.abs(two - levels((right + left) / 2)).max() <= 1
    assert np.abs(two.astype(int) - one).max() > 100


def _cutout(session, rgba: np.ndarray, size: int) -> np.ndarray:
    return compose_cutout(rgba, *session.run(["alpha", "edge_index", "edge_colour"], feeds(rgba, size)))


def test_edge_colours_lose_the_old_background():
    # A red subject with a feathered edge over green: the edge pixels mix the two. With the
    # stand-in model the mask is the red channel, so the alpha follows the true coverage.
    size = 256
    ys, xs = np.mgrid[0:size, 0:size]
    coverage = np.clip((60 - np.hypot(xs - 128, ys - 128)) / 40 + 0.5, 0, 1)[..., None]
    subject, background = np.array([255, 40, 40]), np.array([0, 170, 60])
    photo = coverage * subject + (1 - coverage) * background
    rgba = np.concatenate([np.round(photo), np.full((size, size, 1), 255)], -1).astype(np.uint8)
    session = _session(pipeline_model(_red_channel_isnet(), pivot=0.5).SerializeToString())
    cutout = _cutout(session, rgba, size)

    alpha = cutout[..., 3]
    edge = (alpha > 0) & (alpha < 255)
    assert edge.sum() > 500
    before = np.abs(rgba[..., :3].astype(float) - subject)[edge].mean()
    after = np.abs(cutout[..., :3].astype(float) - subject)[edge].mean()
    assert after < before / 3, (before, after)
    solid = alpha == 255
    assert np.array_equal(cutout[solid][:, :3], rgba[solid][:, :3])  # the opaque subject is untouched


def test_the_graph_names_exactly_the_semi_transparent_pixels():
    size = 96
    ys, xs = np.mgrid[0:size, 0:size]
    red = np.clip((30 - np.hypot(xs - 40, ys - 50)) / 12 + 0.5, 0, 1)
    rgba = np.stack([np.round(red * 255), np.full_like(red, 90), np.full_like(red, 30), np.full_like(red, 255)], -1)
    session = _session(pipeline_model(_red_channel_isnet(), pivot=0.5).SerializeToString())
    alpha, index, colour = session.run(["alpha", "edge_index", "edge_colour"], feeds(rgba.astype(np.uint8), size))
    partial = np.flatnonzero((alpha > 0) & (alpha < 255))
    assert partial.size > 200 and np.array_equal(index, partial)  # y · W + x, in order
    assert index.dtype == np.int32 and colour.shape == (partial.size, 3) and colour.dtype == np.uint8


def test_nearly_opaque_edge_pixels_keep_their_own_detail():
    # A red subject striped in green (2-pixel stripes) with a feathered edge over a dark
    # background. The estimate may move a pixel's colour by at most 2(1 − α) of full scale
    # (F − I = (1 − α)((1 + α)F̄ − I − αB̄)), so the stripes survive up to where the alpha
    # reaches 255, and there is no seam there.
    size = 256
    ys, xs = np.mgrid[0:size, 0:size]
    coverage = np.clip((70 - np.hypot(xs - 128, ys - 128)) / 40 + 0.5, 0, 1)[..., None]
    stripes = np.where((xs // 2) % 2 == 0, 0, 200)[..., None]
    subject = np.concatenate([np.full((size, size, 1), 255), stripes, np.full((size, size, 1), 40)], -1)
    photo = coverage * subject + (1 - coverage) * np.array([0, 60, 120])
    rgba = np.concatenate([np.round(photo), np.full((size, size, 1), 255)], -1).astype(np.uint8)
    session = _session(pipeline_model(_red_channel_isnet(), pivot=0.5).SerializeToString())
    cutout = _cutout(session, rgba, size)

    alpha = cutout[..., 3].astype(float) / 255
    edge = (alpha > 0) & (alpha < 1)
    assert (edge & (alpha > 0.9)).sum() > 100
    moved = np.abs(cutout[..., :3].astype(float) - rgba[..., :3]).max(-1)
    allowed = 2 * (1 - alpha) * 255 + 2  # + rounding of the alpha and the colour
    assert (moved[edge] <= allowed[edge]).all(), (moved - allowed)[edge].max()


def test_offline_optimisation_fuses_quantized_convolutions_and_keeps_the_result():
    # uint8 activations and int8 weights in QDQ form around a 3×3 convolution, as the quantizer writes them.
    n = helper.make_node
    rng = np.random.default_rng(0)
    inits = [numpy_helper.from_array(np.array(v, t), name) for name, v, t in [
        ("x_scale", 1 / 64, np.float32), ("x_zero", 128, np.uint8), ("w_scale", [0.01, 0.02], np.float32),
        ("w_zero", [0, 0], np.int8), ("y_scale", 1 / 32, np.float32), ("y_zero", 128, np.uint8)]]
    inits.append(numpy_helper.from_array(rng.integers(-127, 128, (2, 3, 3, 3)).astype(np.int8), "w_q"))
    graph = helper.make_graph([
        n("QuantizeLinear", ["x", "x_scale", "x_zero"], ["x_q"]),
        n("DequantizeLinear", ["x_q", "x_scale", "x_zero"], ["x_dq"]),
        n("DequantizeLinear", ["w_q", "w_scale", "w_zero"], ["w"], axis=0),
        n("Conv", ["x_dq", "w"], ["y"], pads=[1, 1, 1, 1]),
        n("QuantizeLinear", ["y", "y_scale", "y_zero"], ["y_q"]),
        n("DequantizeLinear", ["y_q", "y_scale", "y_zero"], ["out"]),
    ], "qdq", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 16, 16])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, [1, 2, 16, 16])], initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)], ir_version=8)

    optimised = optimised_offline(model)
    assert "QLinearConv" in [node.op_type for node in optimised.graph.node]
    assert "Conv" not in [node.op_type for node in optimised.graph.node]
    x = rng.uniform(-1, 1, (1, 3, 16, 16)).astype(np.float32)
    # What a session optimising the model when it loads computes.
    (reference,) = _session(model.SerializeToString(), ort.GraphOptimizationLevel.ORT_ENABLE_ALL).run(None, {"x": x})
    (result,) = _session(optimised.SerializeToString(), ort.GraphOptimizationLevel.ORT_DISABLE_ALL).run(None, {"x": x})
    assert np.array_equal(result, reference)


def test_the_fast_model_needs_no_optimisation_when_loaded():
    # The browser loads it with optimisation off, native onnxruntime with all of it: same alpha.
    path = str(find_model_dir() / "fast.onnx")
    ops = {node.op_type for node in onnx.load(path, load_external_data=False).graph.node}
    assert "QLinearConv" in ops and "Conv" not in ops
    rgba = np.asarray(draw_subject(320, 240).convert("RGBA"))
    as_browser = _session(path, ort.GraphOptimizationLevel.ORT_DISABLE_ALL).run(["alpha"], feeds(rgba, PREVIEW_SIZE))
    as_native = _session(path, ort.GraphOptimizationLevel.ORT_ENABLE_ALL).run(["alpha"], feeds(rgba, PREVIEW_SIZE))
    assert np.array_equal(as_browser[0], as_native[0])


@pytest.mark.parametrize("dilation, channels_last", [(1, False), (2, False), (1, True)])
def test_an_integer_convolution_split_into_bands_of_rows_gives_the_same_result(dilation, channels_last):
    n = helper.make_node
    rng = np.random.default_rng(dilation)
    inits = [numpy_helper.from_array(np.array(v, t), name) for name, v, t in [
        ("x_scale", 1 / 64, np.float32), ("x_zero", 128, np.uint8), ("w_scale", [0.01, 0.02, 0.03], np.float32),
        ("w_zero", [0, 0, 0], np.int8), ("y_scale", 1 / 16, np.float32), ("y_zero", 100, np.uint8)]]
    inits.append(numpy_helper.from_array(rng.integers(-127, 128, (3, 4, 3, 3)).astype(np.int8), "w"))
    layout = {"domain": "com.microsoft", "channels_last": 1} if channels_last else {}  # onnxruntime's NHWC form
    conv = n("QLinearConv", ["x", "x_scale", "x_zero", "w", "w_scale", "w_zero", "y_scale", "y_zero"], ["y"],
             name="conv", kernel_shape=[3, 3], pads=[dilation] * 4, dilations=[dilation, dilation], **layout)
    assert splittable(conv)
    shape = (lambda c: [1, "h", "w", c]) if channels_last else (lambda c: [1, c, "h", "w"])

    def session(nodes, extra=()):
        graph = helper.make_graph(nodes, "conv", [helper.make_tensor_value_info("x", TensorProto.UINT8, shape(4))],
                                  [helper.make_tensor_value_info("y", TensorProto.UINT8, shape(3))],
                                  initializer=inits + list(extra))
        opsets = [helper.make_opsetid("", 18), helper.make_opsetid("com.microsoft", 1)]
        return _session(helper.make_model(graph, opset_imports=opsets, ir_version=8).SerializeToString(),
                        ort.GraphOptimizationLevel.ORT_DISABLE_ALL)

    whole = session([conv])
    nodes, weights = split_node(conv, 3, {init.name: init for init in inits})
    banded = session(nodes, weights + band_constants())
    for height in (12, 13, 40):  # each band at least as tall as the padding
        x = rng.integers(0, 256, (1, height, 9, 4) if channels_last else (1, 4, height, 9)).astype(np.uint8)
        (expected,), (result,) = whole.run(None, {"x": x}), banded.run(None, {"x": x})
        assert np.array_equal(result, expected), height


def test_no_integer_convolution_of_the_fast_model_needs_more_scratch_than_the_budget():
    # In WASM one 3×3 convolution at 512² took 400 MB of scratch, and WebAssembly memory never shrinks.
    model = onnx.load(str(find_model_dir() / "fast.onnx"))
    scratch = scratch_by_node(model)
    split = [node.output[0] for node in model.graph.node if splittable(node)]
    assert len(split) > 50 and max(scratch[name] for name in split) <= SCRATCH_BUDGET


def test_a_layout_transpose_after_a_dequantization_moves_bytes_and_gives_the_same_floats():
    n = helper.make_node
    inits = [numpy_helper.from_array(np.array(0.05, np.float32), "scale"), numpy_helper.from_array(np.array(7, np.uint8), "zero")]
    graph = helper.make_graph([n("DequantizeLinear", ["x", "scale", "zero"], ["dq"]),
                               n("Transpose", ["dq"], ["y"], perm=[0, 3, 1, 2])],
                              "t", [helper.make_tensor_value_info("x", TensorProto.UINT8, [1, 5, 6, 3])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3, 5, 6])], initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 18)], ir_version=8)
    x = np.random.default_rng(0).integers(0, 256, (1, 5, 6, 3)).astype(np.uint8)
    (expected,) = _session(model.SerializeToString()).run(None, {"x": x})
    moved = transposes_before_dequantize(model)
    assert [node.op_type for node in moved.graph.node] == ["Transpose", "DequantizeLinear"]
    (result,) = _session(moved.SerializeToString()).run(None, {"x": x})
    assert np.array_equal(result, expected)


def test_no_transpose_of_the_fast_model_moves_floats_a_dequantization_made():
    graph = onnx.load(str(find_model_dir() / "fast.onnx")).graph
    producer = {out: node.op_type for node in graph.node for out in node.output}
    assert not [node.name for node in graph.node if node.op_type == "Transpose" and producer.get(node.input[0]) == "DequantizeLinear"]
