"""Photos decoded in a worker of their own (assets/decode-worker.mjs): libheif-js for HEIC, the
browser's decoders for the rest; the pixels, the photo's bitmap and the preview's small copy come
back moved, not copied, and the page's thread never touches a full-size pixel while decoding."""

from __future__ import annotations

import asyncio

import js
from pyodide.ffi import create_proxy

from ..core.errors import BadInput
from . import dom

DECODE_WORKER_URL = "assets/decode-worker.mjs"
MESSAGES = {
    "empty": "This {format} file holds no image the decoder can read.",
    "damaged": "This {format} file is damaged and cannot be read.",
    "unreadable": "This {format} file is damaged or uses a variant the browser cannot read.",
    "too large": "This {format} is one image of over {largest:g} MP, not a grid of tiles: too large to open here. "
                 "Make it smaller first.",
}


async def decode_in_worker(blob, label: str, *, heic: bool, size: tuple[int, int] | None, max_megapixels: float,
                           largest_tile_megapixels: float, bitmap: bool, preview_long_side: int, on_thumbnail=None):
    """The worker's reply (see decode-worker.mjs); BadInput naming ``label`` (e.g. "JPEG") if it cannot be read.

    ``size``: the size to decode a non-HEIC file at (None: its own); a HEIC is scaled as it is decoded
    to at most ``max_megapixels``, and refused if one of its tiles (all of it, if not a grid) is above
    ``largest_tile_megapixels``. ``bitmap``: the photo as an ImageBitmap too; ``preview_long_side``:
    the long side of its small copy (0: none). ``on_thumbnail(ImageData)`` hears of a HEIC's own
    thumbnail as soon as it is decoded, before the photo is.
    """
    worker = js.Worker.new(dom.absolute_url(DECODE_WORKER_URL), dom.js_object({"type": "module"}))
    answered = asyncio.get_running_loop().create_future()
    settle = lambda data: answered.done() or answered.set_result(data)

    def on_message(event):
        early = getattr(event.data, "early", None)
        if early is None:
            settle(event.data)
        elif on_thumbnail is not None:
            on_thumbnail(js.ImageData.new(js.Uint8ClampedArray.new(early.pixels), early.width, early.height))

    handlers = (create_proxy(on_message), create_proxy(lambda event: settle(None)))
    worker.onmessage, worker.onerror = handlers
    try:
        worker.postMessage(dom.js_object({"file": blob, "heic": heic, "size": list(size) if size else None,
                                          "maxMegapixels": max_megapixels, "largestTileMegapixels": largest_tile_megapixels,
                                          "bitmap": bitmap, "previewLongSide": preview_long_side}))
        reply = await answered
    finally:
        worker.terminate()  # its libheif and all its memory with it
        for handler in handlers:
            handler.destroy()
    error = "damaged" if reply is None else getattr(reply, "error", None)  # None: the worker itself failed
    if error:
        raise BadInput(MESSAGES.get(error, MESSAGES["damaged"]).format(format=label, largest=largest_tile_megapixels))
    return reply
