"""Brush strokes as data: dabs along a path, sizes from pen pressure, and palm rejection."""

from __future__ import annotations

import math
from dataclasses import dataclass

PALM_CONTACT_PX = 48  # a fingertip reports ~10-30 px; a resting palm much more
DAB_SPACING = 0.25  # of the radius: close enough that a fast stroke is one smooth line


@dataclass(frozen=True)
class BrushStroke:
    """One stroke on the mask, in photo pixels. ``mode`` is ``erase`` or ``restore``."""

    mode: str
    radius: float
    hardness: float  # 1 = hard edge, 0 = soft all the way from the centre
    points: tuple[tuple[float, float, float], ...]  # (x, y, pressure 0..1)
    pointer_type: str = "mouse"  # only a pen's pressure changes the size


def pressure_radius(radius: float, pointer_type: str, pressure: float) -> float:
    """A pen's pressure scales the brush (25%..100%); mouse and touch paint full size."""
    if pointer_type != "pen" or pressure <= 0:
        return radius
    return radius * (0.25 + 0.75 * min(pressure, 1.0))


def dabs(points, radius: float, pointer_type: str = "mouse", carry: float | None = None):
    """Dab centres and radii (x, y, r) along the polyline ``points`` [(x, y, pressure)].

    ``carry`` None starts a stroke (a dab on its first point). Returns (dabs, carry): pass
    the carry with the next segment (which starts at this one's last point) so the
    spacing stays even across pointer events.
    """
    out = []
    if not points:
        return out, carry
    if carry is None:
        x, y, p = points[0]
        out.append((x, y, pressure_radius(radius, pointer_type, p)))
    travelled = carry or 0.0
    for (x0, y0, p0), (x1, y1, p1) in zip(points, points[1:]):
        length = math.hypot(x1 - x0, y1 - y0)
        position = 0.0
        while True:
            step = max(pressure_radius(radius, pointer_type, p0) * DAB_SPACING, 0.5)
            remaining = step - travelled
            if position + remaining > length:
                travelled += length - position
                break
            position += remaining
            travelled = 0.0
            t = position / length
            pressure = p0 + (p1 - p0) * t
            out.append((x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, pressure_radius(radius, pointer_type, pressure)))
    return out, travelled


def end_dab(points, radius: float, pointer_type: str, carry: float | None):
    """The dab that caps a stroke on its last point (none if a dab already sits there)."""
    if not points or not carry:
        return []
    x, y, p = points[-1]
    return [(x, y, pressure_radius(radius, pointer_type, p))]


def stroke_dabs(stroke: BrushStroke):
    """Every dab of a finished stroke (what undo/redo replays), end cap included."""
    along, carry = dabs(stroke.points, stroke.radius, stroke.pointer_type)
    return along + end_dab(stroke.points, stroke.radius, stroke.pointer_type, carry)


class PointerPolicy:
    """Decides what a pointer does: paint, gesture (two fingers), or nothing (palm, pen down)."""

    def __init__(self) -> None:
        self._pen_down = False
        self._touches: set[int] = set()

    def down(self, pointer_id: int, pointer_type: str, width: float, height: float) -> str:
        if pointer_type == "pen":
            self._pen_down = True
            return "paint"
        if pointer_type == "touch":
            if self._pen_down or max(width, height) >= PALM_CONTACT_PX:
                return "ignore"
            self._touches.add(pointer_id)
            return "gesture" if len(self._touches) >= 2 else "paint"
        return "paint"

    def up(self, pointer_id: int, pointer_type: str) -> None:
        if pointer_type == "pen":
            self._pen_down = False
        self._touches.discard(pointer_id)

    @property
    def touch_count(self) -> int:
        return len(self._touches)
