"""Every awkward file through the page: the right cut-out, or a message that says what is wrong."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from tests.awkward_files import Refused, awkward_files, expected, subject_corner
from tests.drawings import draw_subject, subject_and_background
from unbg.core.image_header import working_size

SIZE = 384  # the model's working size: enough for the drawn egg, a seventh of the full pass's work


def test_every_awkward_file_is_cut_or_refused_with_a_reason(app):
    for entry in awkward_files():
        name, data, _ = entry
        expectation = expected(entry, "page")
        reply = app.post_cut(data, model="fast", size=SIZE)
        if isinstance(expectation, Refused):
            assert (reply["type"], reply["code"]) == ("unbg:error", "bad_input"), (name, reply)
            assert expectation.words in reply["message"], (name, reply["message"])
            continue
        assert reply["type"] == "unbg:result", (name, reply)
        with Image.open(io.BytesIO(reply["png"])) as cut:
            assert cut.mode == "RGBA" and cut.size == expectation.size, (name, cut.size)
            alpha = np.asarray(cut)[..., 3]
        if expectation.corner:  # the egg covers about a quarter of the photo
            assert subject_corner(alpha) == expectation.corner and 0.15 < (alpha > 128).mean() < 0.4, name
        notes = " ".join(reply["notes"] or [])
        assert (expectation.note in notes) if expectation.note else not notes, (name, notes)


def test_a_photo_above_the_working_limit_is_cut_scaled_down_and_said_so(app):
    buffer = io.BytesIO()
    draw_subject(5000, 3600).save(buffer, "JPEG", quality=80)  # 18 MP
    reply = app.post_cut(buffer.getvalue(), model="fast", size=SIZE)
    assert reply["type"] == "unbg:result", reply
    assert (reply["width"], reply["height"]) == working_size(5000, 3600) and reply["scaledFrom"] == [5000, 3600]
    assert "scaled down from 5000 × 3600" in " ".join(reply["notes"])


def test_the_editor_says_an_animation_was_cut_at_its_first_frame(app, tmp_path):
    name, data, _ = next(entry for entry in awkward_files() if entry[0] == "animated.gif")
    (tmp_path / name).write_bytes(data)
    app.pick(tmp_path / name)
    notes = app.find("result-notes")
    assert notes.is_displayed() and "animated: its first frame is cut out" in notes.text


def area_scaled(pixels: np.ndarray, width: int, height: int) -> np.ndarray:
    """[H, W, C] averaged down to [height, width, C]: each pixel the mean of the area it covers."""
    for axis, size in ((0, height), (1, width)):
        length = pixels.shape[axis]
        edges = np.arange(size + 1) * length / size
        cumulative = np.concatenate([np.zeros_like(pixels.take([0], axis)), pixels.cumsum(axis)], axis)
        whole = np.minimum(np.floor(edges).astype(int), length - 1)
        # The sum up to a fractional edge: whole pixels, then the part of the one it cuts.
        at = cumulative.take(whole, axis) + (edges - whole).reshape([-1 if a == axis else 1 for a in range(3)]) * \
            pixels.take(whole, axis)
        pixels = np.diff(at, axis=axis) / (length / size)
    return pixels


def test_a_heic_above_the_working_limit_is_scaled_as_its_tiles_are_decoded(app):
    import pillow_heif

    width, height = 6400, 4800  # 31 MP as a grid of 512² tiles, as a phone writes it; cut at 16 MP
    photo = np.asarray(draw_subject(width, height)).astype(int)
    photo = (photo + np.random.default_rng(3).normal(0, 8, photo.shape)).clip(0, 255).astype(np.uint8)  # texture in the egg too
    buffer = io.BytesIO()
    pillow_heif.from_pillow(Image.fromarray(photo)).save(buffer, quality=95, tile_size=512, enc_params={"preset": "ultrafast"})
    reply = app.post_cut(buffer.getvalue(), model="fast", size=SIZE)
    assert reply["type"] == "unbg:result", reply
    size = working_size(width, height)
    assert (reply["width"], reply["height"]) == size and reply["scaledFrom"] == [width, height]
    assert f"scaled down from {width} × {height}" in " ".join(reply["notes"])
    with Image.open(io.BytesIO(reply["png"])) as cut:
        cutout = np.asarray(cut)
    inside, outside = subject_and_background(*size)
    assert cutout[..., 3][inside].min() > 200 and cutout[..., 3][outside].max() < 30
    # The egg's pixels are the mean of the area each covers in libheif's decode (pillow-heif's
    # decoder differs by a step on a few): the scaling has neither seams nor a resampling filter's ringing.
    expected_photo = area_scaled(np.asarray(pillow_heif.open_heif(buffer.getvalue()).to_pillow()).astype(np.float32), *size)
    opaque = cutout[..., 3] == 255
    diff = np.abs(cutout[opaque][:, :3] - expected_photo[opaque])
    assert opaque.mean() > 0.15 and diff.mean() < 0.5 and diff.max() <= 3, (diff.mean(), diff.max())
