"""A drawn test photo both models segment cleanly, where to look in their masks, and test files."""

from __future__ import annotations

import io
import struct

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

BACKGROUND = (234, 234, 230)  # studio-grey paper
SUBJECT = (150, 20, 30)  # a dark red egg-shaped product
SHADOW = (160, 160, 156)
# The subject's ellipse as fractions of the image: centre x, centre y, radius x, radius y.
CX, CY, RX, RY = 0.5, 0.5, 0.25, 0.33


def draw_subject(width: int, height: int, cx: float = CX, cy: float = CY) -> Image.Image:
    """An RGB photo-like drawing: a dark red ellipse with a soft shadow on grey paper.

    The paper gets a faint gradient and sensor-like noise: on perfectly flat
    colour the quantized fast model sees blotches of foreground.
    """
    rows = np.linspace(-1, 1, height)[:, None, None]
    paper = np.array(BACKGROUND, float) + 10 * rows
    paper = paper + np.random.default_rng(7).normal(0, 6, (height, width, 3))
    image = Image.fromarray(np.broadcast_to(paper, (height, width, 3)).clip(0, 255).astype(np.uint8))
    shadow = Image.new("L", (width, height), 0)
    shadow_box = [width * 0.3, height * (CY + RY * 0.85), width * 0.7, height * (CY + RY * 1.12)]
    ImageDraw.Draw(shadow).ellipse(shadow_box, fill=110)
    image.paste(SHADOW, mask=shadow.filter(ImageFilter.GaussianBlur(min(width, height) * 0.02)))
    box = [width * (cx - RX), height * (cy - RY), width * (cx + RX), height * (cy + RY)]
    ImageDraw.Draw(image).ellipse(box, fill=SUBJECT)
    return image


def subject_jpeg(width: int, height: int) -> bytes:
    """draw_subject as JPEG bytes, as a camera would hand them over."""
    buffer = io.BytesIO()
    draw_subject(width, height).save(buffer, format="JPEG", quality=92)
    return buffer.getvalue()


def subject_and_background(width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    """Boolean [H, W] masks: well inside the subject, and a border band well outside it."""
    ys, xs = np.mgrid[0:height, 0:width]
    distance = ((xs + 0.5 - CX * width) / (RX * width)) ** 2 + ((ys + 0.5 - CY * height) / (RY * height)) ** 2
    inside = distance < 0.7**2
    band = max(4, int(min(width, height) * 0.08))
    outside = np.ones((height, width), bool)
    outside[band:-band, band:-band] = False
    return inside, outside


def saved(image: Image.Image, pillow_format: str, **options) -> bytes:
    """The image as a file of ``pillow_format``."""
    buffer = io.BytesIO()
    image.save(buffer, pillow_format, **options)
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A PNG's signature, IHDR chunk and end marker, and no pixel data: nothing would ever be decoded."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr + b"\0" * 4 + b"IEND"
