"""Every awkward file a person may hand over, made here, with what each engine must make of it.

Each entry: (file name, bytes, what to expect). ``Cut(size, corner)``: a cut-out of that upright
size whose subject lies in that corner of it (None: the photo is too small or plain to tell);
``Refused(words)``: a bad_input message containing ``words``. Engines differ on TIFF only
(Chromium has no TIFF decoder) and on notes; ``expected(entry, engine)`` says which applies.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import pillow_heif
from PIL import Image, features

from tests.drawings import draw_subject, png_claiming, saved

WIDTH, HEIGHT = 192, 128  # stored size; orientations 5–8 stand it upright as 128 × 192
# The subject sits in the stored top-left corner; where each EXIF orientation takes that corner.
CORNER_AFTER = {1: "top-left", 2: "top-right", 3: "bottom-right", 4: "bottom-left",
                5: "top-left", 6: "top-right", 7: "bottom-right", 8: "bottom-left"}


@dataclass(frozen=True)
class Cut:
    size: tuple[int, int]
    corner: str | None = None
    note: str | None = None  # words the result's notes hold (e.g. "animated")


@dataclass(frozen=True)
class Refused:
    words: str


def _photo(width: int = WIDTH, height: int = HEIGHT) -> Image.Image:
    return draw_subject(width, height, cx=0.3, cy=0.35)


def _heic(image: Image.Image, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, **options)
    return buffer.getvalue()


def _frames(kind: str) -> bytes:
    first, second = _photo(), Image.new("RGB", (WIDTH, HEIGHT), (20, 90, 200))
    options = {"save_all": True, "append_images": [second], "duration": 100, "loop": 0}
    return saved(first, kind, **options)


def _orientation(value: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = value
    return saved(_photo(), "JPEG", quality=92, exif=exif.tobytes())


def awkward_files() -> list[tuple[str, bytes, object]]:
    photo = _photo()
    upright = (WIDTH, HEIGHT)
    jpeg, png = saved(photo, "JPEG", quality=92), saved(photo, "PNG")
    palette = photo.convert("P", palette=Image.Palette.ADAPTIVE, colors=64)
    palette.info["transparency"] = 0
    with_alpha = photo.convert("RGBA")
    with_alpha.putalpha(Image.new("L", photo.size, 255))
    gray16 = Image.fromarray((np.asarray(photo.convert("L"), np.uint16) * 257))
    several = pillow_heif.from_pillow(photo)
    several.add_from_pillow(Image.new("RGB", (256, 256), (20, 90, 200)))
    ten_bit = pillow_heif.from_bytes("RGB;16", photo.size, (np.asarray(photo, np.uint16) * 257).astype("<u2").tobytes())
    files = [
        ("empty.jpg", b"", Refused("The file is empty")),
        ("random.jpg", np.random.default_rng(3).integers(0, 256, 4000, dtype=np.uint8).tobytes(),
         Refused("not an image unbg can read")),
        ("truncated.jpg", jpeg[: len(jpeg) // 2], Refused("damaged or incomplete")),
        ("truncated.png", png[: len(png) // 2], Refused("damaged or incomplete")),
        ("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
         Refused("not an image unbg can read")),
        ("document.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
         Refused("not an image unbg can read")),
        ("scan.tiff", saved(photo, "TIFF"), Cut(upright, "top-left")),
        ("photo.bmp", saved(photo, "BMP"), Cut(upright, "top-left")),
        ("animated.gif", _frames("GIF"), Cut(upright, "top-left", "animated")),
        ("animated.webp", _frames("WEBP"), Cut(upright, "top-left", "animated")),
        ("animated.png", _frames("PNG"), Cut(upright, "top-left", "animated")),
        ("cmyk.jpg", saved(photo.convert("CMYK"), "JPEG", quality=92), Cut(upright)),
        ("progressive.jpg", saved(photo, "JPEG", quality=92, progressive=True), Cut(upright, "top-left")),
        ("16-bit.png", saved(gray16, "PNG"), Cut(upright)),
        ("gray.png", saved(photo.convert("L"), "PNG"), Cut(upright)),
        ("palette-transparent.png", saved(palette, "PNG"), Cut(upright)),
        ("alpha.png", saved(with_alpha, "PNG"), Cut(upright, "top-left")),
        ("several-images.heic", _heic(several, quality=90), Cut(upright, "top-left")),
        ("10-bit.heic", _heic(ten_bit, quality=90), Cut(upright, "top-left")),
        ("one-pixel.png", saved(Image.new("RGB", (1, 1), (200, 30, 40)), "PNG"), Cut((1, 1))),
        ("panorama.jpg", saved(draw_subject(10000, 100), "JPEG", quality=85), Cut((10000, 100))),
        ("claims-30000x30000.png", png_claiming(30000, 30000), Refused("30,000 × 30,000 px (900 MP): too large")),
    ]
    files += [(f"orientation-{value}.jpg", _orientation(value),
               Cut(upright if value <= 4 else upright[::-1], CORNER_AFTER[value])) for value in range(1, 9)]
    if features.check("avif"):
        files.append(("photo.avif", saved(photo, "AVIF", quality=90), Cut(upright, "top-left")))
    return files


def expected(entry, engine: str):
    """What ``engine`` ("native" or "page") must make of an entry."""
    name, _, expectation = entry
    if engine == "page" and name.endswith(".tiff"):
        return Refused("TIFF files cannot be opened in the browser")
    return expectation


def subject_corner(alpha: np.ndarray) -> str:
    """Which corner of the picture the opaque part's centre lies in."""
    ys, xs = np.nonzero(alpha > 128)
    height, width = alpha.shape
    vertical = "top" if ys.mean() < height / 2 else "bottom"
    return f"{vertical}-{'left' if xs.mean() < width / 2 else 'right'}"
