"""The editor's other inputs: a pen and its pressure, touch under a pen, two-finger pinch and pan,
a one-pointer pan, and soft brushes replayed by undo and redo. Real input events through CDP."""

from __future__ import annotations


import numpy as np
import pytest

from tests.e2e.test_editor import HEIGHT, WIDTH, alpha_of, distance_to_segment, edited, hard_brush, photo  # noqa: F401


def pen(app, kind: str, point, pressure: float, buttons: int = 1) -> None:
    x, y = app.to_screen(*point)
    app.driver.execute_cdp_cmd("Input.dispatchMouseEvent", {
        "type": kind, "x": x, "y": y, "button": "left", "buttons": buttons, "clickCount": 1,
        "pointerType": "pen", "force": pressure})


def pen_stroke(app, points, pressure: float) -> None:
    app.show_frame()
    pen(app, "mouseMoved", points[0], 0, buttons=0)
    pen(app, "mousePressed", points[0], pressure)
    for point in points[1:]:
        pen(app, "mouseMoved", point, pressure)
    pen(app, "mouseReleased", points[-1], 0, buttons=0)


def touches(app, kind: str, points) -> None:
    screen = [app.to_screen(*point) for point in points]
    app.driver.execute_cdp_cmd("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [
        {"x": x, "y": y, "radiusX": 8, "radiusY": 8, "force": 1, "id": index} for index, (x, y) in enumerate(screen)]})


# One pointermove carrying the samples the browser coalesced into it (as a busy page gets them).
COALESCED_STROKE = """
const [points] = arguments;
const target = document.querySelector('[data-testid=result-image]');
const init = ([x, y], buttons) => ({pointerId: 1, pointerType: 'mouse', isPrimary: true, bubbles: true, cancelable: true,
  composed: true, clientX: x, clientY: y, button: 0, buttons, pressure: buttons ? 0.5 : 0});
target.dispatchEvent(new PointerEvent('pointerdown', init(points[0], 1)));
const coalescedEvents = points.slice(1).map((point) => new PointerEvent('pointermove', init(point, 1)));
target.dispatchEvent(new PointerEvent('pointermove', {...init(points[points.length - 1], 1), coalescedEvents}));
target.dispatchEvent(new PointerEvent('pointerup', init(points[points.length - 1], 0)));
"""


def erased_width(alpha: np.ndarray, x: float) -> int:
    """How many rows of column ``x`` the stroke made transparent."""
    return int((alpha[:, int(x)] == 0).sum())


def stage_translation(app) -> tuple[float, float]:
    """Where the photo's top left corner is drawn in the frame (CSS pixels)."""
    return app.photo_in_frame()[:2]


def test_a_pen_paints_by_its_pressure_and_touch_under_it_is_ignored(edited):
    edited.tool("erase")
    radius = hard_brush(edited, 40)
    light, firm = WIDTH * 0.42, WIDTH * 0.58  # two vertical strokes through the subject
    before = alpha_of(edited.export("png")[1])
    pen_stroke(edited, [(light, HEIGHT * 0.3), (light, HEIGHT * 0.7)], pressure=0.2)
    pen_stroke(edited, [(firm, HEIGHT * 0.3), (firm, HEIGHT * 0.7)], pressure=1.0)
    after = alpha_of(edited.export("png")[1])
    # Widths across the strokes, on a row inside the subject: pressure 0.2 paints 40% of the full size.
    row = int(HEIGHT * 0.5)
    light_width = int((after[row, :WIDTH // 2] == 0).sum() - (before[row, :WIDTH // 2] == 0).sum())
    firm_width = int((after[row, WIDTH // 2:] == 0).sum() - (before[row, WIDTH // 2:] == 0).sum())
    assert firm_width == pytest.approx(2 * radius, abs=3)
    assert light_width == pytest.approx(2 * radius * (0.25 + 0.75 * 0.2), abs=3)

    # A hand resting on the screen while the pen is down paints nothing.
    x, y = WIDTH * 0.5, HEIGHT * 0.4
    pen(edited, "mouseMoved", (x, y), 0, buttons=0)
    pen(edited, "mousePressed", (x, y), 0.5)
    hand = (WIDTH * 0.35, HEIGHT * 0.55), (WIDTH * 0.2, HEIGHT * 0.75)  # away from the pen: a pinch would zoom
    touches(edited, "touchStart", [hand[0]])
    touches(edited, "touchMove", [hand[1]])
    touches(edited, "touchEnd", [])
    pen(edited, "mouseReleased", (x, y), 0, buttons=0)
    with_hand = alpha_of(edited.export("png")[1])
    under_hand = distance_to_segment(*hand) < radius - 2
    far_from_pen = distance_to_segment((x, y), (x + 0.01, y)) > radius * 2  # (a point: a segment of no length divides by 0)
    assert np.array_equal(with_hand[under_hand & far_from_pen], after[under_hand & far_from_pen])
    assert edited.zoom == pytest.approx(1.0)  # nor is the pen and the hand a pinch


def test_two_fingers_pinch_and_pan_and_never_paint(edited):
    edited.tool("erase")
    edited.show_frame()
    before = alpha_of(edited.export("png")[1])
    cx, cy = WIDTH * 0.5, HEIGHT * 0.5
    touches(edited, "touchStart", [(cx - 100, cy), (cx + 100, cy)])
    touches(edited, "touchMove", [(cx - 200, cy), (cx + 200, cy)])  # twice as far apart: twice the zoom
    touches(edited, "touchEnd", [])
    assert edited.zoom == pytest.approx(2.0, abs=0.05)
    tx, ty = stage_translation(edited)
    touches(edited, "touchStart", [(cx - 50, cy), (cx + 50, cy)])
    touches(edited, "touchMove", [(cx - 50, cy + 40), (cx + 50, cy + 40)])  # both fingers down by 40 photo px
    touches(edited, "touchEnd", [])
    moved = stage_translation(edited)
    scale = edited.photo_scale()  # screen px per photo px, now zoomed
    assert moved[0] == pytest.approx(tx, abs=1) and moved[1] - ty == pytest.approx(40 * scale, abs=2)
    assert edited.zoom == pytest.approx(2.0, abs=0.05)
    assert np.array_equal(alpha_of(edited.export("png")[1]), before)


def test_one_pointer_pans_in_compare_mode(edited):
    edited.find("zoom-in").click()
    edited.tool("compare")
    edited.show_frame()
    tx, ty = stage_translation(edited)
    start = edited.to_screen(WIDTH * 0.3, HEIGHT * 0.3)
    edited.mouse_drag_on_screen([start, (start[0] - 60, start[1] - 30), (start[0] - 120, start[1] - 60)])
    moved = stage_translation(edited)
    assert moved[0] - tx == pytest.approx(-120, abs=2) and moved[1] - ty == pytest.approx(-60, abs=2)


def test_a_soft_brush_paints_a_soft_edge_that_undo_and_redo_replay_exactly(edited):
    edited.tool("erase")
    edited.set_range("brush-size", 60)
    edited.set_range("brush-hardness", 30)
    a, b = (WIDTH * 0.4, HEIGHT * 0.5), (WIDTH * 0.6, HEIGHT * 0.5)
    before = alpha_of(edited.export("png")[1])
    edited.mouse_stroke([a, b])
    soft = alpha_of(edited.export("png")[1])
    radius = 30 / edited.photo_scale()
    distance = distance_to_segment(a, b)
    middle, rim = distance < radius * 0.2, (distance > radius * 0.5) & (distance < radius * 0.9)
    assert soft[middle].max() == 0
    partly = soft[rim][(before[rim] == 255)]
    assert ((partly > 0) & (partly < 255)).mean() > 0.5  # a soft edge, not a hard one
    edited.find("undo").click()
    assert np.array_equal(alpha_of(edited.export("png")[1]), before)
    edited.find("redo").click()
    assert np.array_equal(alpha_of(edited.export("png")[1]), soft)


def test_a_stroke_follows_every_coalesced_sample_not_only_the_last(edited):
    edited.tool("erase")
    hard_brush(edited, 20)
    edited.show_frame()
    start, vertex, end = (WIDTH * 0.3, HEIGHT * 0.3), (WIDTH * 0.5, HEIGHT * 0.7), (WIDTH * 0.7, HEIGHT * 0.3)
    down = [(start[0] + (vertex[0] - start[0]) * t / 10, start[1] + (vertex[1] - start[1]) * t / 10) for t in range(11)]
    up = [(vertex[0] + (end[0] - vertex[0]) * t / 10, vertex[1] + (end[1] - vertex[1]) * t / 10) for t in range(1, 11)]
    edited.script(COALESCED_STROKE, [edited.to_screen(x, y) for x, y in down + up])
    alpha = alpha_of(edited.export("png")[1])
    assert alpha[int(vertex[1]) - 1, int(vertex[0])] == 0  # the V's bottom, known only from the coalesced samples
    assert alpha[int(start[1]), int(WIDTH * 0.5)] == 255  # not a straight line from the first point to the last
