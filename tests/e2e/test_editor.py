"""The editor: compare slider, erase/restore with mouse and touch, undo, exports, cancel."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from selenium.webdriver.common.keys import Keys

from tests.drawings import draw_subject, subject_and_background
from unbg.core.crop import subject_box

WIDTH, HEIGHT = 1200, 800
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "vase.jpg"
    draw_subject(WIDTH, HEIGHT).save(path, quality=92)
    return path


@pytest.fixture
def edited(app, photo):
    app.pick(photo)
    assert app.state == "ready", app.error_message
    return app


def alpha_of(png: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(png))
    assert image.mode == "RGBA" and image.size == (WIDTH, HEIGHT)
    return np.asarray(image)[..., 3].astype(int)


def distance_to_segment(a, b) -> np.ndarray:
    """Distance of every photo pixel centre to the segment a–b."""
    ys, xs = np.mgrid[0:HEIGHT, 0:WIDTH] + 0.5
    (ax, ay), (bx, by) = a, b
    t = np.clip(((xs - ax) * (bx - ax) + (ys - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2), 0, 1)
    return np.hypot(xs - (ax + t * (bx - ax)), ys - (ay + t * (by - ay)))


def hard_brush(app, size: int) -> float:
    """A hard brush of ``size`` screen px; returns its radius in photo px."""
    app.set_range("brush-hardness", 100)
    app.set_range("brush-size", size)
    return size / 2 / app.photo_scale()


def assert_stroke_changed_exactly(before, after, a, b, radius, expected):
    distance = distance_to_segment(a, b)
    inside, outside = distance < radius - 2, distance > radius + 2
    assert np.all(np.abs(after[inside] - expected) <= 1), "the stroke's area did not change as painted"
    assert np.array_equal(after[outside], before[outside]), "pixels outside the stroke changed"


def test_slider_follows_mouse_drag_and_keyboard(edited):
    handle = edited.find("split-handle")
    assert handle.get_attribute("role") == "slider" and handle.get_attribute("aria-valuenow") == "50"
    edited.drag_split_handle(-0.25)
    assert abs(int(handle.get_attribute("aria-valuenow")) - 25) <= 1
    edited.press_on("split-handle", "Home")
    assert handle.get_attribute("aria-valuenow") == "0"
    edited.press_on("split-handle", "ArrowRight", "ArrowRight")
    assert handle.get_attribute("aria-valuenow") == "2"
    edited.press_on("split-handle", "End")
    assert handle.get_attribute("aria-valuenow") == "100"


def premultiplied_means(image: Image.Image, cells: tuple[int, int] = (48, 32)) -> np.ndarray:
    """The picture's colour × alpha (and alpha), averaged over a grid of cells: how it looks, for
    pictures drawn by different scalers."""
    return np.asarray(image.convert("RGBA").convert("RGBa").resize(cells, Image.BOX)).astype(int)


def assert_side_shows(app, side: str, picture: Image.Image) -> None:
    """The side's canvas (the frame's size) shows ``picture`` where the view puts it, and nothing around it."""
    screen = Image.open(io.BytesIO(app.shown_screen(side))).convert("RGBA")
    frame = app.find("frame")
    assert screen.size == (frame.size["width"], frame.size["height"])  # the frame's size, not the photo's
    left, top, width, height = app.photo_in_frame()
    scale = width / picture.width
    x0, y0 = max(round(left), 0), max(round(top), 0)
    x1, y1 = min(round(left + width), screen.width), min(round(top + height), screen.height)
    shown = screen.crop((x0, y0, x1, y1))
    own = picture.crop((round((x0 - left) / scale), round((y0 - top) / scale),
                        round((x1 - left) / scale), round((y1 - top) / scale)))
    assert np.abs(premultiplied_means(shown) - premultiplied_means(own)).max() <= 12, side
    if x0 > 2:  # left of the photo: nothing drawn
        assert np.asarray(screen)[:, : x0 - 2, 3].max() == 0, side


def test_each_side_shows_its_picture_at_the_view_and_a_stroke_where_it_was_painted(edited, photo):
    own = Image.open(photo).convert("RGBA")
    assert_side_shows(edited, "before", own)
    assert_side_shows(edited, "after", Image.open(io.BytesIO(edited.export("png")[1])))
    edited.find("zoom-in").click()
    edited.find("zoom-in").click()
    assert edited.zoom > 1.4
    assert_side_shows(edited, "before", own)
    edited.tool("erase")
    hard_brush(edited, 40)
    edited.mouse_stroke([(WIDTH * 0.45, HEIGHT * 0.5), (WIDTH * 0.55, HEIGHT * 0.5)])  # through the subject
    erased = Image.open(io.BytesIO(edited.export("png")[1]))
    assert_side_shows(edited, "after", erased)


def erase_through_the_subject(app, stroke, size: int, a, b):
    """Erase a straight stroke a→b through the subject with a hard brush and check it.

    Returns the alpha before, the alpha after and the brush radius in photo pixels.
    """
    before = alpha_of(app.export("png")[1])
    app.tool("erase")
    radius = hard_brush(app, size)
    stroke([a, ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2), b])
    erased = alpha_of(app.export("png")[1])
    assert_stroke_changed_exactly(before, erased, a, b, radius, 0)
    return before, erased, radius


def test_erase_and_restore_with_mouse_then_undo(edited):
    a, b = (WIDTH * 0.4, HEIGHT * 0.5), (WIDTH * 0.6, HEIGHT * 0.5)
    before, erased, radius = erase_through_the_subject(edited, edited.mouse_stroke, 30, a, b)

    edited.tool("restore")
    c, d = (WIDTH * 0.1, HEIGHT * 0.15), (WIDTH * 0.25, HEIGHT * 0.15)
    edited.mouse_stroke([c, d])
    assert edited.leaving_asks()  # the restore stroke is not downloaded yet
    restored = alpha_of(edited.export("png")[1])
    assert not edited.leaving_asks()
    assert_stroke_changed_exactly(erased, restored, c, d, radius, 255)

    edited.undo_by_keyboard()
    assert np.array_equal(alpha_of(edited.export("png")[1]), erased)
    edited.find("undo").click()
    assert np.array_equal(alpha_of(edited.export("png")[1]), before)
    edited.find("redo").click()
    assert np.array_equal(alpha_of(edited.export("png")[1]), erased)


def test_erase_and_restore_with_touch(edited):
    a, b = (WIDTH * 0.5, HEIGHT * 0.3), (WIDTH * 0.5, HEIGHT * 0.7)
    _, erased, radius = erase_through_the_subject(edited, edited.touch_stroke, 24, a, b)

    edited.tool("restore")
    edited.touch_stroke([a, b])
    restored = alpha_of(edited.export("png")[1])
    inside = distance_to_segment(a, b) < radius - 2
    assert np.all(restored[inside] >= 254)

    # A palm-sized contact paints nothing.
    edited.tool("erase")
    edited.touch_stroke([(WIDTH * 0.45, HEIGHT * 0.4), (WIDTH * 0.55, HEIGHT * 0.4)], radius=60)
    assert np.array_equal(alpha_of(edited.export("png")[1]), restored)


def test_export_formats(edited):
    name, png = edited.export("png")
    assert name == "vase-nobg.png"
    assert Image.open(io.BytesIO(png)).mode == "RGBA"

    name, webp = edited.export("webp")
    image = Image.open(io.BytesIO(webp))
    assert name == "vase-nobg.webp" and image.format == "WEBP" and image.mode == "RGBA" and image.size == (WIDTH, HEIGHT)
    inside, outside = subject_and_background(WIDTH, HEIGHT)
    assert np.asarray(image)[..., 3][outside].max() < 30 and np.asarray(image)[..., 3][inside].min() > 200

    name, jpeg = edited.export("jpeg", background="#00ff00")
    image = Image.open(io.BytesIO(jpeg))
    assert name == "vase-nobg.jpg" and image.format == "JPEG" and image.mode == "RGB"
    pixels = np.asarray(image).astype(int)
    assert np.abs(pixels[outside] - [0, 255, 0]).max() < 40  # the background became the chosen colour
    assert np.abs(pixels[inside].mean(axis=0) - [150, 20, 30]).max() < 20  # the subject kept its colour

    name, mask = edited.export("mask")
    image = Image.open(io.BytesIO(mask))
    assert name == "vase-mask.png" and image.mode == "L" and image.size == (WIDTH, HEIGHT)
    assert np.asarray(image)[inside].min() > 200 and np.asarray(image)[outside].max() < 30

    full = np.asarray(Image.open(io.BytesIO(png)))
    name, cropped = edited.export("png", crop=True, margin=10)
    image = Image.open(io.BytesIO(cropped))
    # The drawn subject is 50% × 66% of the photo; a 10% margin on each side.
    assert abs(image.width - WIDTH * 0.5 * 1.2) < WIDTH * 0.04
    assert abs(image.height - HEIGHT * 0.66 * 1.2) < HEIGHT * 0.06
    # And it is that part of the cut-out: the subject's box, grown by the margin.
    x, y, w, h = subject_box(full[..., 3].tobytes(), WIDTH, HEIGHT, 10)
    assert np.array_equal(np.asarray(image), full[y:y + h, x:x + w])


def test_zoom_buttons_and_fit(edited):
    assert edited.zoom == pytest.approx(1.0)
    edited.find("zoom-in").click()
    assert edited.zoom == pytest.approx(1.25)
    edited.wheel_on_frame(-200)
    edited.wait_for(lambda d: edited.zoom > 1.3, 5)
    edited.find("zoom-fit").click()
    assert edited.zoom == pytest.approx(1.0)
    edited.find("zoom-in").click()
    edited.find("zoom-in").click()
    edited.find("zoom-out").click()  # the − button: one step back
    assert edited.zoom == pytest.approx(1.25)


def test_cancel_stops_the_cut_and_leaves_the_app_usable(app, photo):
    before = app.add_file(photo)
    app.wait_for(lambda d: app.state == "busy", 30)
    app.cancel()
    app.wait_for(lambda d: app.jobs_done > before, 30)
    assert app.state == "ready" and app.error_message is None
    # What only a cancel does: the photo ends cancelled, and no cut-out of it appears.
    (item,) = app.batch_items()
    assert item["status"] == "cancelled" and "Retry" in item["error"]
    assert not app.component("result").is_displayed()

    app.pick(photo)
    assert app.state == "ready"
    assert app.export("png")[0] == "vase-nobg.png"


@pytest.mark.parametrize("size", [(390, 844), (1280, 900)], ids=["phone", "desktop"])
def test_editor_screenshot(edited, size):
    """Saved to test-artifacts/ to look at; the layout must fit the viewport without sideways scrolling."""
    edited.set_viewport(*size)
    try:
        assert not edited.scrolls_sideways()
        ARTIFACTS.mkdir(exist_ok=True)
        edited.screenshot(ARTIFACTS / f"editor-{size[0]}x{size[1]}.png")
    finally:
        edited.reset_viewport()


def test_keyboard_shortcuts_and_reset_then_redo(edited):
    pressed = lambda: [tool for tool in ("compare", "erase", "restore")
                       if edited.find(f"tool-{tool}").get_attribute("aria-pressed") == "true"]
    for key, tool in (("e", "erase"), ("r", "restore"), ("c", "compare"), ("e", "erase")):
        edited.press(key)
        assert pressed() == [tool], key
    size = lambda: float(edited.find("brush-size").get_attribute("value"))
    start = size()
    edited.press("]")
    assert size() == pytest.approx(start * 1.2, abs=1)
    edited.press("[")
    assert size() == pytest.approx(start, abs=1)

    before = alpha_of(edited.export("png")[1])
    a, b = (WIDTH * 0.4, HEIGHT * 0.5), (WIDTH * 0.6, HEIGHT * 0.5)
    hard_brush(edited, 30)
    edited.mouse_stroke([a, b])
    erased = alpha_of(edited.export("png")[1])
    assert (erased < before).sum() > 100
    edited.press(Keys.CONTROL, "z")
    assert np.array_equal(alpha_of(edited.export("png")[1]), before)
    edited.press(Keys.CONTROL, Keys.SHIFT, "z")
    assert np.array_equal(alpha_of(edited.export("png")[1]), erased)
    edited.press(Keys.CONTROL, "z")
    edited.press(Keys.CONTROL, "y")
    assert np.array_equal(alpha_of(edited.export("png")[1]), erased)
    # Reset takes every edit away; redo brings them back.
    edited.find("reset").click()
    assert np.array_equal(alpha_of(edited.export("png")[1]), before)
    assert edited.find("undo").get_attribute("disabled") is not None
    edited.find("redo").click()
    assert np.array_equal(alpha_of(edited.export("png")[1]), erased)
    # The edits are in every export, not only the PNG: the stroke's middle, on the subject, is gone.
    x, y = int(WIDTH * 0.5), int(HEIGHT * 0.5)
    assert before[y, x] == 255 and erased[y, x] == 0
    webp = np.asarray(Image.open(io.BytesIO(edited.export("webp")[1])))
    assert webp[y, x, 3] < 30
    mask = np.asarray(Image.open(io.BytesIO(edited.export("mask")[1])))
    assert mask[y, x] < 30 and mask[int(HEIGHT * 0.3), x] > 200
    jpeg = np.asarray(Image.open(io.BytesIO(edited.export("jpeg", background="#00ff00")[1]))).astype(int)
    assert np.abs(jpeg[y, x] - [0, 255, 0]).max() < 40
