"""The files a finished cut becomes in the browser: its PNG, and the small picture the batch list shows."""

from __future__ import annotations

from ..core.png import encode_png
from . import dom


async def thumbnail_url(pixels, long_side: int) -> str | None:
    """A small PNG of the cut-out (an ImageData), as an object URL; None if ``long_side`` is 0."""
    if not long_side:
        return None
    scale = min(1.0, long_side / max(pixels.width, pixels.height))
    width, height = max(1, round(pixels.width * scale)), max(1, round(pixels.height * scale))
    small = await dom.create_bitmap(pixels, resizeWidth=width, resizeHeight=height, resizeQuality="medium")
    surface = dom.canvas(width, height)
    dom.context_2d(surface).drawImage(small, 0, 0)
    small.close()
    return dom.object_url(await dom.canvas_blob(surface, "image/png"))


async def png_of(data, pixels, width: int, height: int):
    """A PNG Blob: of the cut-out's ``pixels`` (an ImageData), or without them of the mask ``data`` (one byte a pixel)."""
    if pixels is None:
        return dom.bytes_blob(encode_png(data.to_bytes(), width, height, 1), "image/png")
    surface = dom.canvas(pixels.width, pixels.height)
    dom.context_2d(surface).putImageData(pixels, 0, 0)
    return await dom.canvas_blob(surface, "image/png")
