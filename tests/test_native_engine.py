"""The native engine: decoding every format, the model's cut-out, PNG encoding."""

from __future__ import annotations

import io

import numpy as np
import pillow_heif
import pytest
from PIL import Image, features

from tests.drawings import draw_subject, saved, subject_and_background
from unbg.core.errors import BadInput, InferenceError, ModelLoadError
from unbg.core import CutOptions, JobQueue
from unbg.native.engine import NativeEngine, NativePort, decode_image, encode_png, find_model_dir

RED = (200, 30, 40)


@pytest.fixture(scope="module")
def engine():
    """One quality engine for the module: loading the model takes a while."""
    return NativeEngine("quality")


def heic_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    pillow_heif.from_pillow(image).save(buffer, quality=90)
    return buffer.getvalue()


# Decoding


@pytest.mark.parametrize("pillow_format", ["PNG", "GIF", "BMP", "TIFF"])
def test_decode_lossless(pillow_format):
    rgba = decode_image(saved(Image.new("RGB", (40, 30), RED), pillow_format))
    assert rgba.shape == (30, 40, 4) and rgba.dtype == np.uint8
    assert (rgba == [*RED, 255]).all()


@pytest.mark.parametrize("kind", ["JPEG", "WEBP", "HEIC", "AVIF"])
def test_decode_lossy(kind):
    if kind == "AVIF" and not features.check("avif"):
        pytest.skip("this Pillow cannot write AVIF")
    image = Image.new("RGB", (40, 30), RED)
    data = heic_bytes(image) if kind == "HEIC" else saved(image, kind, quality=90)
    rgba = decode_image(data, f"photo.{kind.lower()}")
    assert rgba.shape == (30, 40, 4) and rgba.dtype == np.uint8
    assert np.abs(rgba[..., :3].astype(int) - RED).max() < 12  # lossy, but still red
    assert (rgba[..., 3] == 255).all()


def test_decode_keeps_transparency():
    image = Image.new("RGBA", (8, 8), (0, 0, 255, 255))
    image.putpixel((0, 0), (0, 0, 0, 0))
    rgba = decode_image(saved(image, "PNG"))
    assert rgba[0, 0, 3] == 0 and rgba[1, 1, 3] == 255


def test_decode_gif_first_frame_only():
    frames = [Image.new("RGB", (10, 10), colour) for colour in (RED, (0, 0, 255))]
    data = saved(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)
    assert Image.open(io.BytesIO(data)).n_frames == 2
    assert (decode_image(data) == [*RED, 255]).all()


def test_decode_16_bit_gray_is_scaled_not_clipped():
    gray16 = np.full((4, 4), 0x8000, np.uint16)
    rgba = decode_image(saved(Image.fromarray(gray16), "PNG"))
    assert (rgba[..., 0] == 0x80).all()


def test_decode_applies_exif_orientation():
    image = Image.new("RGB", (60, 40), (255, 255, 255))
    image.paste(RED, (0, 0, 10, 10))  # a marker in the stored top-left corner
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    rgba = decode_image(saved(image, "JPEG", quality=95, exif=exif))
    assert rgba.shape == (60, 40, 4)
    assert rgba[3, -4, 1] < 100  # the marker is now top-right (red has little green)
    assert rgba[3, 3, 1] > 200


def test_decode_truncated_jpeg():
    data = saved(draw_subject(200, 150), "JPEG")
    with pytest.raises(BadInput, match="This JPEG is damaged or incomplete"):
        decode_image(data[: len(data) // 2])


@pytest.mark.parametrize("pillow_format, label", [("PNG", "PNG"), ("WEBP", "WebP")])
def test_decode_truncated_other_formats(pillow_format, label):
    data = saved(draw_subject(200, 150), pillow_format)
    with pytest.raises(BadInput, match=f"This {label} is damaged"):
        decode_image(data[: len(data) // 2])


@pytest.mark.parametrize("data", [b"", b"not an image at all", b"\x89PNG\r\n\x1a\n" + b"junk" * 10])
def test_decode_rejects_non_images(data):
    with pytest.raises(BadInput):
        decode_image(data)


# The model


def test_find_model_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("UNBG_MODEL_DIR", raising=False)
    assert (find_model_dir() / "quality.onnx").is_file()
    monkeypatch.setenv("UNBG_MODEL_DIR", str(tmp_path))
    assert find_model_dir() == tmp_path


def test_missing_model(monkeypatch, tmp_path):
    monkeypatch.setenv("UNBG_MODEL_DIR", str(tmp_path))
    with pytest.raises(ModelLoadError, match="missing: run `make build` first"):
        NativeEngine("fast").alpha(np.zeros((8, 8, 4), np.uint8))


def test_cuts_out_the_subject(engine):
    width, height = 768, 512
    rgba = np.asarray(draw_subject(width, height).convert("RGBA"))
    alpha = engine.alpha(rgba)
    assert alpha.shape == (height, width) and alpha.dtype == np.uint8
    inside, outside = subject_and_background(width, height)
    assert alpha[inside].min() > 200
    assert alpha[outside].max() < 30

    cutout = engine.cutout(rgba)
    assert cutout.shape == (height, width, 4) and cutout.dtype == np.uint8
    assert np.array_equal(cutout[..., 3], alpha)
    visible, solid = alpha > 0, alpha == 255
    assert np.array_equal(cutout[solid][:, :3], rgba[solid][:, :3])  # only the soft edge gets new colours
    assert (~visible).any() and not cutout[~visible].any()  # nothing of the background hides under alpha 0
    assert engine._session is not None and engine._get_session() is engine._session  # loaded once


def test_large_image(engine):
    rgba = np.asarray(draw_subject(3000, 2000).convert("RGBA"))
    alpha = engine.alpha(rgba)
    assert alpha.shape == (2000, 3000)
    inside, outside = subject_and_background(3000, 2000)
    assert alpha[inside].min() > 200 and alpha[outside].max() < 30


def test_inference_failure_is_inference_error(engine):
    with pytest.raises(InferenceError, match="quality model failed"):
        engine.alpha(np.zeros((0, 5, 4), np.uint8))


def test_rejects_wrong_array(engine):
    with pytest.raises(ValueError):
        engine.alpha(np.zeros((8, 8, 3), np.uint8))


# Encoding


def test_encode_png_modes():
    gray = np.arange(12, dtype=np.uint8).reshape(3, 4)
    rgba = np.random.default_rng(1).integers(0, 256, (3, 4, 4), dtype=np.uint8)
    for pixels, mode in [(gray, "L"), (rgba, "RGBA")]:
        decoded = Image.open(io.BytesIO(encode_png(pixels)))
        assert decoded.mode == mode and decoded.size == (4, 3)
        assert np.array_equal(np.asarray(decoded), pixels)
    with pytest.raises(ValueError):
        encode_png(np.zeros((3, 4, 3), np.uint8))


def test_the_native_port_runs_queued_jobs_like_the_engine_and_a_bad_file_fails_alone():
    import asyncio

    photo = io.BytesIO()
    draw_subject(320, 240).save(photo, format="JPEG", quality=92)

    async def scenario():
        queue = JobQueue(NativePort())
        bad = queue.submit(b"not an image", CutOptions(output="mask"), source="cli", name="bad")
        good = queue.submit(photo.getvalue(), CutOptions(output="mask"), source="cli", name="good")
        return await bad.outcome(), await good.outcome()

    bad, good = asyncio.run(scenario())
    assert bad.status == "failed" and isinstance(bad.error, BadInput)
    assert good.status == "done" and (good.result.width, good.result.height) == (320, 240)
    mask = np.asarray(Image.open(io.BytesIO(good.result.file)))
    assert np.array_equal(mask, NativeEngine().alpha(decode_image(photo.getvalue())))
    assert set(good.result.timings) == {"decode_ms", "inference_ms", "encode_ms", "total_ms"}
