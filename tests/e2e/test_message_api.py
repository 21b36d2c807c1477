"""The programmatic interface: unbg:cut in, unbg:result / unbg:error out."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from tests.drawings import subject_and_background, subject_jpeg
from unbg.core.models import BEST_VIEWS
from unbg.native.engine import NativeEngine, decode_image


def test_cut_returns_a_transparent_png_with_timings(app):
    photo = subject_jpeg(640, 480)
    reply = app.post_cut(photo, model="quality", output="cutout")

    assert reply["type"] == "unbg:result", reply
    assert (reply["width"], reply["height"]) == (640, 480)
    assert reply["blobType"] == "image/png"
    image = Image.open(io.BytesIO(reply["png"]))
    assert image.mode == "RGBA" and image.size == (640, 480)
    pixels = np.asarray(image)
    hidden = pixels[..., 3] == 0
    assert hidden.any() and not pixels[hidden].any()  # nothing of the background hides under alpha 0
    # The float16 model computes in float: the browser's alpha is the native one to a step or so.
    diff = np.abs(pixels[..., 3].astype(int) - NativeEngine("quality").alpha(decode_image(photo)))
    assert (diff <= 1).mean() >= 0.999, diff.max()
    assert set(reply["timings"]) == {"decode_ms", "inference_ms", "encode_ms", "total_ms"}
    assert reply["timings"]["total_ms"] >= reply["timings"]["inference_ms"] > 0
    assert {"decode", "inference", "encode"} <= set(reply["progress"])


def test_mask_output_is_a_grayscale_png_white_on_the_subject(app):
    reply = app.post_cut(subject_jpeg(600, 400), output="mask")

    assert reply["type"] == "unbg:result", reply
    mask = Image.open(io.BytesIO(reply["png"]))
    assert mask.mode == "L" and mask.size == (600, 400)
    inside, outside = subject_and_background(600, 400)
    alpha = np.asarray(mask)
    assert alpha[inside].min() > 200 and alpha[outside].max() < 30


def test_garbage_bytes_get_an_error_and_the_api_stays_usable(app):
    reply = app.post_cut(b"\x00\x01garbage" * 50)
    assert reply["type"] == "unbg:error"
    assert reply["code"] == "bad_input"
    assert "not an image" in reply["message"]

    missing = app.post_cut(None)  # a malformed message, not a bad image
    assert missing["type"] == "unbg:error" and missing["code"] == "bad_request"
    assert "no image" in missing["message"]

    assert app.post_cut(subject_jpeg(320, 240), model="fast")["type"] == "unbg:result"


def test_fast_model_gives_the_native_alpha(app):
    # The int8 model runs integer kernels: WASM and x86 must still agree to the last bit or so.
    photo = subject_jpeg(900, 640)
    reply = app.post_cut(photo, model="fast", output="mask")
    assert reply["type"] == "unbg:result", reply
    browser = np.asarray(Image.open(io.BytesIO(reply["png"]))).astype(int)
    native = NativeEngine("fast").alpha(decode_image(photo))
    assert np.abs(browser - native).max() <= 1
    inside, outside = subject_and_background(900, 640)
    assert browser[inside].min() > 200 and browser[outside].max() < 30


def test_best_edges_give_the_native_two_view_alpha(app):
    photo = subject_jpeg(900, 640)
    reply = app.post_cut(photo, model="fast", output="mask", best=True)
    assert reply["type"] == "unbg:result", reply
    browser = np.asarray(Image.open(io.BytesIO(reply["png"]))).astype(int)
    native = NativeEngine("fast", views=BEST_VIEWS).alpha(decode_image(photo))
    assert np.abs(browser - native).max() <= 1
    assert not np.array_equal(native, NativeEngine("fast").alpha(decode_image(photo)))  # two views are not one
