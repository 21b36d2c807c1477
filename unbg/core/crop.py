"""Crop to the subject: its bounding box in an alpha channel, grown by a margin."""

from __future__ import annotations

ALPHA_FLOOR = 8  # crop ignores alpha below ~3%: faint model noise is not the subject
_FLOORED = bytes(0 if value < ALPHA_FLOOR else value for value in range(256))


def subject_box(alpha: bytes, width: int, height: int, margin_percent: float) -> tuple[int, int, int, int]:
    """The subject's box (x, y, w, h) in ``alpha`` (one byte a pixel), grown by ``margin_percent``
    of its size on each side; the whole image if there is no subject.

    Byte-string operations only: no Python loop over pixels, so it is quick in the browser too.
    """
    alpha = alpha.translate(_FLOORED)
    rows = [y for y in range(height) if alpha.count(0, y * width, (y + 1) * width) < width]
    if not rows:
        return 0, 0, width, height
    left, right = width, 0
    for y in rows:
        row = alpha[y * width : (y + 1) * width]
        left = min(left, width - len(row.lstrip(b"\0")))
        right = max(right, len(row.rstrip(b"\0")))
    top, bottom = rows[0], rows[-1] + 1
    pad_x = round((right - left) * margin_percent / 100)
    pad_y = round((bottom - top) * margin_percent / 100)
    x0, y0 = max(left - pad_x, 0), max(top - pad_y, 0)
    x1, y1 = min(right + pad_x, width), min(bottom + pad_y, height)
    return x0, y0, x1 - x0, y1 - y0


def crop_plane(plane: bytes, width: int, box: tuple[int, int, int, int]) -> bytes:
    """The ``box`` (x, y, w, h) of a one-byte-a-pixel image ``width`` wide."""
    x, y, w, h = box
    return b"".join(plane[(y + row) * width + x : (y + row) * width + x + w] for row in range(h))
