"""Tell an image's format from its first bytes: names and MIME types lie."""

from __future__ import annotations

from .errors import BadInput

# ISO base media file brands (the `ftyp` box) of HEIF and AVIF stills and sequences.
HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
AVIF_BRANDS = {b"avif", b"avis"}
SNIFF_BYTES = 64  # enough for every signature below, including ftyp compatible brands


def sniff_format(head: bytes) -> str:
    """Return ``jpeg``, ``png``, ``webp``, ``gif``, ``bmp``, ``tiff``, ``heic`` or ``avif``.

    Raises BadInput for empty input or bytes that are no image format we read.
    """
    if not head:
        raise BadInput("The file is empty.")
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:2] == b"BM":
        return "bmp"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[4:8] == b"ftyp":
        box_size = int.from_bytes(head[:4], "big")
        brands = {head[8:12]} | {head[i : i + 4] for i in range(16, min(box_size, len(head)) - 3, 4)}
        # AVIF files also list mif1, so AVIF brands win.
        if brands & AVIF_BRANDS:
            return "avif"
        if brands & HEIC_BRANDS:
            return "heic"
    raise BadInput("This file is not an image unbg can read (JPEG, PNG, WebP, HEIC, AVIF, GIF, BMP or TIFF).")
