"""The built pipeline models: graph inputs, the preview working size, the manifest."""

from __future__ import annotations

import json

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
import onnxruntime as ort
import pytest

from tests.drawings import draw_subject, subject_and_background
from unbg.model_build import GAIN, GRAY, pipeline_model
from unbg.native_engine import find_model_dir


@pytest.fixture(scope="module")
def quality():
    options = ort.SessionOptions()
    options.log_severity_level = 3
    return ort.InferenceSession(str(find_model_dir() / "quality.onnx"), options, providers=["CPUExecutionProvider"])


def test_manifest_names_sizes_hashes_and_which_model_previews():
    manifest = json.loads((find_model_dir() / "models.json").read_text())
    assert set(manifest) == {"quality", "fast"}
    for entry in manifest.values():
        assert (find_model_dir() / entry["file"]).stat().st_size == entry["bytes"]
        assert len(entry["sha256"]) == 64
    assert manifest["quality"]["preview"] is True and manifest["fast"]["preview"] is False


def test_inputs_are_rgba_of_any_size_and_the_working_size(quality):
    inputs = {i.name: (i.type, i.shape) for i in quality.get_inputs()}
    assert inputs == {"rgba": ("tensor(uint8)", ["height", "width", 4]), "size": ("tensor(int64)", [2])}
    assert [o.name for o in quality.get_outputs()] == ["alpha", "cutout", "colour"]


def test_quality_model_previews_at_a_low_working_size(quality):
    width, height = 480, 360
    rgba = np.asarray(draw_subject(width, height).convert("RGBA"))
    (alpha,) = quality.run(["alpha"], {"rgba": rgba, "size": np.array([320, 320], np.int64)})
    assert alpha.shape == (height, width) and alpha.dtype == np.uint8
    inside, outside = subject_and_background(width, height)
    assert alpha[inside].min() > 200 and alpha[outside].max() < 30


def _resize(x: np.ndarray, height: int, width: int) -> np.ndarray:
    """Bilinear, half-pixel centres, edges clamped: onnxruntime's Resize (linear, no antialias)."""
    def axis(x, n, ax):
        m = x.shape[ax]
        src = np.clip((np.arange(n) + 0.5) * m / n - 0.5, 0, m - 1)
        lo = np.floor(src).astype(int)
        hi = np.minimum(lo + 1, m - 1)
        t = (src - lo).reshape([-1 if i == ax else 1 for i in range(x.ndim)])
        return np.take(x, lo, ax) * (1 - t) + np.take(x, hi, ax) * t
    return axis(axis(x.astype(np.float64), height, 0), width, 1)


def _box(x: np.ndarray, r: int) -> np.ndarray:
    """Mean over the (2r+1)² window, counting only pixels inside the image (He et al.)."""
    def axis(x, ax):
        c = np.cumsum(np.pad(x, [(r + 1, r) if i == ax else (0, 0) for i in range(2)]), ax)
        n = x.shape[ax]
        return np.take(c, np.arange(n) + 2 * r + 1, ax) - np.take(c, np.arange(n), ax)
    ones = np.ones_like(x)
    return axis(axis(x, 0), 1) / axis(axis(ones, 0), 1)


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


def test_guided_filter_in_the_graph_matches_the_fast_guided_filter():
    radius, eps = 3, 1e-2
    model = pipeline_model(_red_channel_isnet(), pivot=0.5, guided=(radius, eps))
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    rgba = np.full((64, 64, 4), 255, np.uint8)
    rgba[..., :3] = rng.integers(0, 256, (64, 64, 3))
    rgba[16:48, 20:40, 0] = 255  # a red block: the mask's subject
    (alpha,) = session.run(["alpha"], {"rgba": rgba, "size": np.array([64, 64], np.int64)})

    levelled = (rgba[..., 0] / 255 - 0.5) * GAIN * 255 + 127.5
    gray = rgba[..., :3] @ np.array(GRAY, np.float64) / (255 * sum(GRAY))
    small_gray = _resize(gray, 32, 32)  # the graph shrinks uint8 first: equal to within rounding
    small_mask = _resize(levelled, 32, 32)
    mean_i, mean_p = _box(small_gray, radius), _box(small_mask, radius)
    a = (_box(small_gray * small_mask, radius) - mean_i * mean_p) / (_box(small_gray**2, radius) - mean_i**2 + eps)
    b = mean_p - a * mean_i
    q = _resize(_box(a, radius), 64, 64) * gray + _resize(_box(b, radius), 64, 64)
    expected = np.round(np.clip(q, 0, 255))
    assert np.abs(alpha.astype(int) - expected).max() <= 2
    unguided = np.round(np.clip(levelled, 0, 255))
    assert np.abs(expected - unguided).mean() > 5  # the filter does change the mask


def test_edge_colours_lose_the_old_background():
    # A red subject with a feathered edge over green: the edge pixels mix the two. With the
    # stand-in model the mask is the red channel, so the alpha follows the true coverage.
    size = 256
    ys, xs = np.mgrid[0:size, 0:size]
    coverage = np.clip((60 - np.hypot(xs - 128, ys - 128)) / 40 + 0.5, 0, 1)[..., None]
    subject, background = np.array([255, 40, 40]), np.array([0, 170, 60])
    photo = coverage * subject + (1 - coverage) * background
    rgba = np.concatenate([np.round(photo), np.full((size, size, 1), 255)], -1).astype(np.uint8)
    session = ort.InferenceSession(pipeline_model(_red_channel_isnet(), pivot=0.5).SerializeToString(),
                                   providers=["CPUExecutionProvider"])
    cutout, colour = session.run(["cutout", "colour"], {"rgba": rgba, "size": np.array([size, size], np.int64)})

    alpha = cutout[..., 3]
    edge = (alpha > 0) & (alpha < 255)
    assert edge.sum() > 500
    before = np.abs(rgba[..., :3].astype(float) - subject)[edge].mean()
    after = np.abs(cutout[..., :3].astype(float) - subject)[edge].mean()
    assert after < before / 3, (before, after)
    solid = alpha == 255
    assert np.array_equal(cutout[solid][:, :3], rgba[solid][:, :3])  # the opaque subject is untouched
    assert np.array_equal(colour[..., :3], cutout[..., :3]) and (colour[..., 3] == 255).all()
