"""Zoom and pan of the photo in its frame, as plain numbers (no DOM)."""

from __future__ import annotations

from dataclasses import dataclass

MIN_SCALE_FACTOR = 0.5  # of the fit scale: zooming out further only wastes the screen
MAX_SCALE = 32.0  # screen pixels per photo pixel: enough to place single pixels


@dataclass(frozen=True)
class View:
    """Photo pixel (x, y) appears at frame point (x * scale + tx, y * scale + ty)."""

    scale: float = 1.0
    tx: float = 0.0
    ty: float = 0.0

    def to_image(self, fx: float, fy: float) -> tuple[float, float]:
        return (fx - self.tx) / self.scale, (fy - self.ty) / self.scale


def fit(frame_w: float, frame_h: float, image_w: int, image_h: int) -> View:
    """The whole photo centred in the frame."""
    scale = min(frame_w / image_w, frame_h / image_h)
    return View(scale, (frame_w - image_w * scale) / 2, (frame_h - image_h * scale) / 2)


def zoom_at(view: View, factor: float, fx: float, fy: float, fit_scale: float) -> View:
    """Zoom by ``factor`` keeping frame point (fx, fy) over the same photo pixel."""
    scale = min(max(view.scale * factor, fit_scale * MIN_SCALE_FACTOR), MAX_SCALE)
    ix, iy = view.to_image(fx, fy)
    return View(scale, fx - ix * scale, fy - iy * scale)


def pan(view: View, dx: float, dy: float) -> View:
    return View(view.scale, view.tx + dx, view.ty + dy)


def clamp_split(value: float) -> float:
    """The compare split is a fraction of the frame's width, so it survives resizes."""
    return min(max(float(value), 0.0), 1.0)


def pinch(view: View, before: tuple, after: tuple, fit_scale: float) -> View:
    """Two fingers moved from ``before`` ((x1, y1), (x2, y2)) to ``after``: zoom and pan together."""
    (ax, ay), (bx, by) = before
    (cx, cy), (dx, dy) = after
    old = max(((bx - ax) ** 2 + (by - ay) ** 2) ** 0.5, 1.0)
    new = max(((dx - cx) ** 2 + (dy - cy) ** 2) ** 0.5, 1.0)
    mid_before = ((ax + bx) / 2, (ay + by) / 2)
    mid_after = ((cx + dx) / 2, (cy + dy) / 2)
    zoomed = zoom_at(view, new / old, *mid_before, fit_scale)
    return pan(zoomed, mid_after[0] - mid_before[0], mid_after[1] - mid_before[1])
