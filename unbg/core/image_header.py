"""What an image's header declares, read before any pixel is decoded: its size (and the limits on
it), and whether it is animated (only its first frame is cut out).

A photo above WORKING_MEGAPIXELS is cut at a scaled-down size (the full-size buffers of the
cut grow with the pixels: ~40 MB per megapixel in the page's editor); a header that declares
more than an engine's largest size is refused before its pixels could fill the memory.
"""

from __future__ import annotations

import math
import struct

from .errors import BadInput

HEADER_BYTES = 256 * 1024  # enough for a JPEG's EXIF and ICC segments before its frame header
WORKING_MEGAPIXELS = 16  # both engines' default: a 12 MP phone photo is cut at its own size
PAGE_LARGEST_MEGAPIXELS = 100  # the page decodes at full size before it scales: ~4 bytes a pixel, briefly
# ...but a HEIC a row of tiles at a time, each scaled as it comes: a 200 MP phone photo never exists
# in full. One HEIC image (not a grid) above PAGE_LARGEST_MEGAPIXELS is still refused.
PAGE_LARGEST_HEIC_MEGAPIXELS = 400

_JPEG_FRAMES = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def declared_size(fmt: str, head: bytes) -> tuple[int, int] | None:
    """(width, height) from the first HEADER_BYTES of a file of format ``fmt``; None if not found there."""
    try:
        reader = _READERS.get(fmt)
        size = reader(head) if reader else None
    except (struct.error, IndexError, ValueError):
        return None
    return size if size and size[0] > 0 and size[1] > 0 else None


def is_animated(fmt: str, head: bytes) -> bool:
    """An animated GIF (its looping extension), APNG (its acTL chunk) or WebP (the VP8X animation flag)."""
    if fmt == "gif":
        return b"NETSCAPE2.0" in head or b"ANIMEXTS1.0" in head
    if fmt == "png":
        idat = head.find(b"IDAT")
        return b"acTL" in head[: idat if idat > 0 else len(head)]
    if fmt == "webp":
        return head[12:16] == b"VP8X" and bool(head[20] & 0x02)
    return False


ANIMATED_NOTE = "This {label} is animated: its first frame is cut out."


def scaled_note(source: tuple[int, int], size: tuple[int, int], max_megapixels: float = WORKING_MEGAPIXELS) -> str:
    return (f"Cut at {size[0]} × {size[1]} px, scaled down from {source[0]} × {source[1]}: photos above "
            f"{max_megapixels:g} MP are cut at {max_megapixels:g} MP.")


def megapixels(width: int, height: int) -> float:
    return width * height / 1e6


def refuse_if_larger(label: str, size: tuple[int, int] | None, largest_megapixels: float) -> None:
    """Raise BadInput, with the declared size, for an image (``label``: "JPEG", "image") above ``largest_megapixels``."""
    if size and megapixels(*size) > largest_megapixels:
        width, height = size
        raise BadInput(f"This {label} is {width:,} × {height:,} px ({megapixels(width, height):,.0f} MP): "
                       f"too large to open here, the most is {largest_megapixels:g} MP. Make it smaller first.")


def working_size(width: int, height: int, max_megapixels: float = WORKING_MEGAPIXELS) -> tuple[int, int]:
    """The size a photo is cut at: its own, or scaled down (same shape) to at most ``max_megapixels``."""
    if megapixels(width, height) <= max_megapixels:
        return width, height
    scale = math.sqrt(max_megapixels * 1e6 / (width * height))
    return max(1, math.floor(width * scale)), max(1, math.floor(height * scale))


# -- the formats' headers -----------------------------------------------------
def _png(head: bytes):
    if head[12:16] == b"IHDR":
        return struct.unpack(">II", head[16:24])
    return None


def _gif(head: bytes):
    return struct.unpack("<HH", head[6:10])


def _bmp(head: bytes):
    if struct.unpack("<I", head[14:18])[0] == 12:  # OS/2 BITMAPCOREHEADER
        return struct.unpack("<HH", head[18:22])
    width, height = struct.unpack("<ii", head[18:26])
    return abs(width), abs(height)  # a negative height means top-down rows


def _webp(head: bytes):
    chunk = head[12:16]
    if chunk == b"VP8 " and head[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", head[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L" and head[20] == 0x2F:
        bits = int.from_bytes(head[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":
        return int.from_bytes(head[24:27], "little") + 1, int.from_bytes(head[27:30], "little") + 1
    return None


def _jpeg(head: bytes):
    at = 2
    while at + 4 <= len(head):
        if head[at] != 0xFF:
            return None
        marker = head[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            at += 2
            continue
        length = struct.unpack(">H", head[at + 2 : at + 4])[0]
        if marker in _JPEG_FRAMES:
            height, width = struct.unpack(">HH", head[at + 5 : at + 9])
            return width, height
        if marker in (0xD9, 0xDA):  # end of image, or scan data before any frame header
            return None
        at += 2 + length
    return None


def _boxes(data: bytes, start: int, end: int):
    """The ISO base media boxes between ``start`` and ``end``: (type, payload start, payload end)."""
    at = start
    while at + 8 <= end:
        size, kind = struct.unpack(">I4s", data[at : at + 8])
        header = 8
        if size == 1:
            size, header = struct.unpack(">Q", data[at + 8 : at + 16])[0], 16
        elif size == 0:
            size = end - at
        if size < header:
            return
        yield kind, at + header, min(at + size, end)
        at += size


def _heif(head: bytes):
    """The primary item's ``ispe`` (image spatial extent) of a HEIC/AVIF, else the largest one."""
    meta = next(((s, e) for kind, s, e in _boxes(head, 0, len(head)) if kind == b"meta"), None)
    if meta is None:
        return None
    primary, extents, associations = None, {}, {}
    for kind, start, end in _boxes(head, meta[0] + 4, meta[1]):  # meta is a full box: 4 bytes of version and flags
        if kind == b"pitm":  # a full box: version 0 has a 16-bit item id, later ones 32-bit
            primary = int.from_bytes(head[start + 4 : start + (6 if head[start] == 0 else 8)], "big")
        elif kind == b"iprp":
            for inner, s, e in _boxes(head, start, end):
                if inner == b"ipco":
                    for index, (prop, ps, pe) in enumerate(_boxes(head, s, e), 1):
                        if prop == b"ispe":
                            extents[index] = struct.unpack(">II", head[ps + 4 : ps + 12])
                elif inner == b"ipma":
                    associations.update(_ipma(head, s))
    for index in associations.get(primary, ()):
        if index in extents:
            return extents[index]
    return max(extents.values(), key=lambda size: size[0] * size[1], default=None)


def _ipma(data: bytes, at: int) -> dict[int, list[int]]:
    """Item id → its property indices (from 1, into ipco)."""
    version, flags = data[at], int.from_bytes(data[at + 1 : at + 4], "big")
    (count,) = struct.unpack(">I", data[at + 4 : at + 8])
    at += 8
    items = {}
    for _ in range(count):
        if version < 1:
            (item,) = struct.unpack(">H", data[at : at + 2])
            at += 2
        else:
            (item,) = struct.unpack(">I", data[at : at + 4])
            at += 4
        indices = []
        for _ in range(data[at]):
            if flags & 1:
                indices.append(struct.unpack(">H", data[at + 1 : at + 3])[0] & 0x7FFF)
                at += 2
            else:
                indices.append(data[at + 1] & 0x7F)
                at += 1
        at += 1
        items[item] = indices
    return items


_READERS = {"png": _png, "gif": _gif, "bmp": _bmp, "webp": _webp, "jpeg": _jpeg, "heic": _heif, "avif": _heif}
