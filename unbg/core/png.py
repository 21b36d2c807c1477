"""A small PNG writer on the standard library alone (it also runs in Pyodide).

Used for the grayscale mask, which a canvas cannot write (canvas PNGs are always RGBA).
"""

from __future__ import annotations

import struct
import zlib

COLOUR_TYPES = {1: 0, 2: 4, 3: 2, 4: 6}  # channels → PNG colour type (gray, gray+alpha, RGB, RGBA)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def encode_png(pixels: bytes | memoryview, width: int, height: int, channels: int = 1, level: int = 6) -> bytes:
    """Encode 8-bit ``pixels`` (row-major, ``channels`` per pixel) as a PNG file."""
    stride = width * channels
    if len(pixels) != stride * height:
        raise ValueError(f"{len(pixels)} bytes do not make a {width}×{height}×{channels} image")
    view = memoryview(pixels)
    # Filter type 0 (None) on every row: the mask is mostly flat, zlib does the rest.
    raw = b"\x00" + b"\x00".join(view[row * stride : (row + 1) * stride] for row in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, COLOUR_TYPES[channels], 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(raw, level)) + _chunk(b"IEND", b"")
