"""What a finished cut becomes in the browser: the editor's pictures, its PNG, and the small
picture the batch list shows.

The cut-out's own pictures are made in onnxruntime's worker (its ``pictures``, see
inference-worker.mjs): on the page's thread a 12 MP putImageData or createImageBitmap is a
100-300 ms task, measured. Only the mask, one byte a pixel, is encoded here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..core.png import encode_png
from . import dom


@dataclass
class Cutout:
    """What the editor starts from: the upright photo and the model's cut-out of it."""

    original: object  # ImageBitmap; whoever takes the Cutout closes it, or keeps it (the editor shows it)
    pixels: object  # ImageBitmap: the cut-out, the model's alpha with its edge colours
    colour: object  # ImageBitmap: the same colours, opaque (an editor's mask goes over them)
    width: int
    height: int
    timings: dict = field(default_factory=dict)
    thumbnail: str | None = None  # a URL of a small picture of the cut-out, if one was asked for
    scaled_from: tuple[int, int] | None = None  # the photo's own size, if it was cut scaled down
    notes: tuple[str, ...] = ()  # what the person should know of how the photo was read (scaled down, animated)


def pictures_wanted(output: str, thumbnail: int) -> dict:
    """What onnxruntime's worker makes of each RGBA output a cut for ``output`` asks for; ``thumbnail``
    is the small picture's long side (0: none)."""
    if output == "editor":  # the editor's layers start from bitmaps, never from pixels on the page
        return {"cutout": {"bitmap": True, "thumbnail": thumbnail}, "colour": {"bitmap": True}}
    if output == "cutout":
        return {"cutout": {"png": True, "thumbnail": thumbnail}}
    return {}


def thumbnail_url(made) -> str | None:
    """An object URL of the small PNG the worker made of an output, if it made one."""
    return None if made.thumbnail is None else dom.object_url(made.thumbnail)


def mask_png(data, width: int, height: int):
    """A PNG Blob of the mask ``data`` (one byte a pixel)."""
    return dom.bytes_blob(encode_png(data.to_bytes(), width, height, 1), "image/png")
