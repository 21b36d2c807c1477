"""The editor's downloads: PNG or WebP with alpha, JPEG on a colour, or the mask, cropped if asked."""

from __future__ import annotations

import asyncio

from pyodide.ffi import create_once_callable, jsnull

from ..core.crop import crop_plane, subject_box
from ..core.naming import output_name
from ..core.png import encode_png
from . import dom

MIME = {"png": "image/png", "webp": "image/webp", "jpeg": "image/jpeg"}
QUALITY = {"webp": 1.0, "jpeg": 0.92}


async def canvas_file(surface, mime: str, quality: float | None = None):
    """A canvas (on the page or offscreen) encoded as a file as it is, left as it was: no copy of
    it drawn first (a fresh 12 MP copy was a ~140 ms task, measured)."""
    if hasattr(surface, "convertToBlob"):  # an OffscreenCanvas
        return await surface.convertToBlob(dom.js_object({"type": mime} if quality is None else {"type": mime, "quality": quality}))
    encoded = asyncio.get_running_loop().create_future()
    surface.toBlob(create_once_callable(encoded.set_result), mime, *([] if quality is None else [quality]))
    blob = await encoded
    if blob is None or blob is jsnull:
        raise RuntimeError(f"the canvas could not be encoded as {mime}")
    return blob


async def export_file(layers, options: dict):
    """The file for ``options`` (core.actions.export_options) with the edits: (Blob, file name).
    ``layers``: web.layers.PhotoLayers or web.batch_files.DecodedCutout (width, height,
    alpha_bytes(), and cutout(): a context giving the cut-out's canvas)."""
    fmt = options["format"]
    width, height = layers.width, layers.height
    box = (0, 0, width, height)
    if options["crop"] or fmt == "mask":
        alpha = layers.alpha_bytes()
        if options["crop"]:
            box = subject_box(alpha, width, height, options["margin"])
    x, y, w, h = box
    if fmt == "mask":
        blob = dom.bytes_blob(encode_png(crop_plane(alpha, width, box), w, h, 1), "image/png")
        return blob, output_name(options["name"], fmt)
    async with layers.cutout() as cutout:
        if fmt != "jpeg" and box == (0, 0, width, height):  # the cut-out as it is
            blob = await canvas_file(cutout, MIME[fmt], QUALITY.get(fmt))
        else:
            surface = dom.canvas(w, h)
            context = dom.context_2d(surface)
            if fmt == "jpeg":  # JPEG has no alpha: put the subject on the chosen colour
                context.fillStyle = options["background"]
                context.fillRect(0, 0, w, h)
            context.drawImage(cutout, x, y, w, h, 0, 0, w, h)
            blob = await dom.canvas_blob(surface, MIME[fmt], QUALITY.get(fmt))
    return blob, output_name(options["name"], fmt)
