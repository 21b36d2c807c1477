"""Decode any image the browser or libheif-js reads into RGBA pixels (typed arrays, never Python
loops), in a worker (decode_worker.py)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import js
from pyodide.ffi import create_proxy

from ..core.errors import BadInput
from ..core.image_header import (ANIMATED_NOTE, HEADER_BYTES, PAGE_LARGEST_HEIC_MEGAPIXELS, PAGE_LARGEST_MEGAPIXELS,
                                 WORKING_MEGAPIXELS,
                                 declared_size, is_animated, megapixels, refuse_if_larger, scaled_note, working_size)
from ..core.integrity import TAIL_BYTES, check_complete
from ..core.sniff import sniff_format
from . import dom
from .decode_worker import decode_in_worker

PREVIEW_LONG_SIDE = 512  # the preview's photo copy: small enough to decode and move in no time


@dataclass
class Picture:
    """Decoded RGBA pixels (a Uint8ClampedArray), their size, and the photo as an ImageBitmap.

    A photo above WORKING_MEGAPIXELS is decoded scaled down: ``source_size`` is its own size.
    """

    pixels: object
    width: int
    height: int
    bitmap: object  # None if it was not asked for
    source_size: tuple[int, int] | None = None
    notes: tuple[str, ...] = ()  # what the person should know of how it was read
    preview: object = None  # ImageData: the photo at PREVIEW_LONG_SIDE, for the quick preview, if asked for

    def close(self) -> None:
        """Let the photo's bitmap go now (48 MB at 12 MP), not whenever the GC runs."""
        if self.bitmap is not None:
            self.bitmap.close()

    @property
    def scaled_from(self) -> tuple[int, int] | None:
        """The photo's own size if it was scaled down, else None."""
        return self.source_size if self.source_size not in (None, (self.width, self.height)) else None

    def noted(self, animated_label: str | None) -> "Picture":
        notes = [ANIMATED_NOTE.format(label=animated_label)] if animated_label else []
        if self.scaled_from:
            notes.append(scaled_note(self.scaled_from, (self.width, self.height)))
        self.notes = tuple(notes)
        return self


class Decoder:
    """Every format the page reads: the browser's own decoders, and libheif-js for HEIC."""

    async def decode(self, blob, on_thumbnail=None, *, bitmap: bool = True, preview: bool = True) -> Picture:
        """``on_thumbnail(ImageData)``: the file's own thumbnail, as soon as it is read (HEIC).
        ``bitmap``, ``preview``: make the photo's bitmap (the editor's) and its small copy too."""
        head = await dom.read_bytes(blob, 0, HEADER_BYTES)
        fmt = sniff_format(head)
        if fmt == "tiff":  # Chromium has no TIFF decoder
            raise BadInput("TIFF files cannot be opened in the browser: save it as PNG or JPEG first.")
        check_complete(fmt, await dom.read_bytes(blob, max(0, blob.size - TAIL_BYTES), blob.size))
        # Refused before a pixel is decoded: the browser would first decode all of them.
        declared = declared_size(fmt, head)
        refuse_if_larger(fmt.upper(), declared, PAGE_LARGEST_HEIC_MEGAPIXELS if fmt == "heic" else PAGE_LARGEST_MEGAPIXELS)
        animated = fmt.upper() if is_animated(fmt, head) else None
        size = None
        if fmt != "heic" and (declared is None or megapixels(*declared) > WORKING_MEGAPIXELS):
            # The resize is of the upright picture: its size with the EXIF orientation applied.
            declared = await upright_size(blob)
            if declared is None:
                raise BadInput("This file is damaged or uses a variant the browser cannot read.")
            refuse_if_larger("image", declared, PAGE_LARGEST_MEGAPIXELS)
            size = working_size(*declared)
        reply = await decode_in_worker(blob, fmt.upper(), heic=fmt == "heic", size=size if size != declared else None,
                                       max_megapixels=WORKING_MEGAPIXELS, largest_tile_megapixels=PAGE_LARGEST_MEGAPIXELS,
                                       bitmap=bitmap, preview_long_side=PREVIEW_LONG_SIDE if preview else 0,
                                       on_thumbnail=on_thumbnail)
        width, height = reply.width, reply.height
        source = (reply.sourceWidth, reply.sourceHeight) if fmt == "heic" else declared if size else None
        small = reply.preview
        return Picture(js.Uint8ClampedArray.new(reply.pixels), width, height, reply.bitmap, source,
                       preview=None if small is None else js.ImageData.new(js.Uint8ClampedArray.new(small.pixels), small.width,
                                                                           small.height)
                       ).noted(animated)


async def upright_size(blob) -> tuple[int, int] | None:
    """The size a picture file shows at, EXIF orientation applied, read without decoding its pixels
    (None if the browser cannot read it)."""
    url = dom.object_url(blob)
    image = js.Image.new()
    loaded = asyncio.get_running_loop().create_future()
    settle = lambda ok: loaded.done() or loaded.set_result(ok)
    handlers = create_proxy(lambda event: settle(True)), create_proxy(lambda event: settle(False))
    image.onload, image.onerror = handlers
    image.src = url
    try:
        return (image.naturalWidth, image.naturalHeight) if await loaded else None
    finally:
        image.onload = image.onerror = None
        for handler in handlers:
            handler.destroy()
        dom.revoke_url(url)
