"""Decode any image the browser or libheif-js reads into RGBA pixels (typed arrays, never Python loops)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import js
from pyodide.ffi import JsException, create_once_callable
from pyscript import js_import

from ..core.errors import BadInput
from ..core.integrity import TAIL_BYTES, check_complete
from ..core.sniff import SNIFF_BYTES, sniff_format
from . import dom

LIBHEIF_URL = "assets/vendor/libheif/libheif-bundle.mjs"


@dataclass
class Picture:
    """Decoded RGBA pixels (a Uint8ClampedArray), their size, and the photo as an ImageBitmap."""

    pixels: object
    width: int
    height: int
    bitmap: object


class Decoder:
    """Keeps libheif-js once it is needed (most photos never need it)."""

    def __init__(self) -> None:
        self._libheif = None

    async def decode(self, blob) -> Picture:
        head = await dom.read_bytes(blob, 0, SNIFF_BYTES)
        fmt = sniff_format(head)
        if fmt == "tiff":  # Chromium has no TIFF decoder
            raise BadInput("TIFF files cannot be opened in the browser: save it as PNG or JPEG first.")
        check_complete(fmt, await dom.read_bytes(blob, max(0, blob.size - TAIL_BYTES), blob.size))
        try:
            if fmt == "heic":
                return await self._decode_heic(blob)
            return await self._decode_native(blob)
        except JsException:
            raise BadInput(f"This {fmt.upper()} file is damaged or uses a variant the browser cannot read.") from None

    async def _decode_native(self, blob) -> Picture:
        # Keep the file's own pixels, as Pillow does: no colour conversion, no premultiplying.
        bitmap = await dom.create_bitmap(blob, imageOrientation="from-image", premultiplyAlpha="none",
                                         colorSpaceConversion="none")
        width, height = bitmap.width, bitmap.height
        return Picture(dom.bitmap_pixels(bitmap, width, height), width, height, bitmap)

    async def _decode_heic(self, blob) -> Picture:
        if self._libheif is None:
            (module,) = await js_import(dom.absolute_url(LIBHEIF_URL))
            self._libheif = module.default()
        data = js.Uint8Array.new(await blob.arrayBuffer())
        images = self._libheif.HeifDecoder.new().decode(data)
        if not images or images.length == 0:
            raise BadInput("This HEIC file holds no image the decoder can read.")
        image = images[0]
        width, height = image.get_width(), image.get_height()
        target = js.ImageData.new(width, height)
        done = asyncio.get_running_loop().create_future()
        image.display(target, create_once_callable(lambda result: done.set_result(bool(result))))
        ok = await done
        for index in range(images.length):
            images[index].free()
        if not ok:
            raise BadInput("This HEIC file is damaged and cannot be read.")
        return Picture(target.data, width, height, await dom.create_bitmap(target))
