"""The built pipeline models: graph inputs, the preview working size, the manifest."""

from __future__ import annotations

import json

import numpy as np
import onnxruntime as ort
import pytest

from tests.drawings import draw_subject, subject_and_background
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
    assert [o.name for o in quality.get_outputs()] == ["alpha", "cutout"]


def test_quality_model_previews_at_a_low_working_size(quality):
    width, height = 480, 360
    rgba = np.asarray(draw_subject(width, height).convert("RGBA"))
    (alpha,) = quality.run(["alpha"], {"rgba": rgba, "size": np.array([320, 320], np.int64)})
    assert alpha.shape == (height, width) and alpha.dtype == np.uint8
    inside, outside = subject_and_background(width, height)
    assert alpha[inside].min() > 200 and alpha[outside].max() < 30
