"""The batch's files: one item's cut-out as the export options say, or all of them in one ZIP."""

from __future__ import annotations

import zlib
from contextlib import asynccontextmanager

from ..core.naming import unique_names
from ..core.zip_writer import Entry, zip_parts
from . import dom
from .export import export_file

READ_CHUNK = 8 * 2**20  # bytes read at once for the checksum: one result is never copied whole


class DecodedCutout:
    """A cut-out PNG drawn on a canvas, read as the exporter reads the editor's layers."""

    def __init__(self, surface, width: int, height: int) -> None:
        self._surface, self.width, self.height = surface, width, height

    @asynccontextmanager
    async def cutout(self):
        yield self._surface

    @classmethod
    async def of(cls, png) -> "DecodedCutout":
        bitmap = await dom.create_bitmap(png, premultiplyAlpha="none", colorSpaceConversion="none")
        surface = dom.canvas(bitmap.width, bitmap.height)
        dom.context_2d(surface).drawImage(bitmap, 0, 0)
        bitmap.close()
        return cls(surface, surface.width, surface.height)

    def alpha_bytes(self) -> bytes:
        return dom.context_2d(self._surface).getImageData(0, 0, self.width, self.height).data.to_bytes()[3::4]

    def release(self) -> None:
        self._surface.width = self._surface.height = 0  # its pixels go now, not whenever the GC runs


async def item_file(item, options: dict, layers=None):
    """The file of a finished item for ``options`` (core.actions.export_options): from the editor's
    ``layers`` when it is open there, as kept when that is the format asked for, else made again."""
    if layers is not None:
        return (await export_file(layers, {**options, "name": item.name}))[0]
    if options["format"] == "png" and not options["crop"]:
        return item.png  # the PNG kept when it was cut (or when its edits were)
    decoded = await DecodedCutout.of(item.png)
    try:
        return (await export_file(decoded, {**options, "name": item.name}))[0]
    finally:
        decoded.release()


async def _crc32(blob) -> int:
    crc = 0
    for start in range(0, blob.size, READ_CHUNK):
        crc = zlib.crc32(await dom.read_bytes(blob, start, min(start + READ_CHUNK, blob.size)), crc)
    return crc


async def batch_zip(items: list, options: dict, open_item: int | None, layers):
    """One ZIP Blob of every finished item, named ``<stem>-nobg.<ext>`` without clashes."""
    files = [await item_file(item, options, layers if item.id == open_item else None) for item in items]
    names = unique_names([item.name for item in items], options["format"])
    entries = [Entry(name, file.size, await _crc32(file)) for name, file in zip(names, files)]
    parts = zip_parts(entries)
    return dom.blob_of_parts([files[part] if isinstance(part, int) else part for part in parts], "application/zip")
