"""The editor's downloads: PNG or WebP with alpha, JPEG on a colour, or the mask, cropped if asked."""

from __future__ import annotations

from ..core.crop import crop_plane, subject_box
from ..core.naming import output_name
from ..core.png import encode_png
from . import dom

MIME = {"png": "image/png", "webp": "image/webp", "jpeg": "image/jpeg"}
QUALITY = {"webp": 1.0, "jpeg": 0.92}


async def export_file(layers, options: dict):
    """The file for ``options`` (core.actions.export_options) with the edits: (Blob, file name)."""
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
    else:
        surface = dom.canvas(w, h)
        context = dom.context_2d(surface)
        if fmt == "jpeg":  # JPEG has no alpha: put the subject on the chosen colour
            context.fillStyle = options["background"]
            context.fillRect(0, 0, w, h)
        context.drawImage(layers.cutout, x, y, w, h, 0, 0, w, h)
        blob = await dom.canvas_blob(surface, MIME[fmt], QUALITY.get(fmt))
    return blob, output_name(options["name"], fmt)
