"""The pure core: format sniffing, output names, the PNG writer, model choices."""

from __future__ import annotations

import io

import numpy as np
import pillow_heif
import pytest
from PIL import Image, features

from unbg.core.errors import BadInput
from unbg.core.models import MODELS, model_choice
from unbg.core.naming import output_name
from unbg.core.png import encode_png
from unbg.core.sniff import SNIFF_BYTES, sniff_format


def image_bytes(pillow_format: str) -> bytes:
    """A small image saved by Pillow in ``pillow_format``."""
    buffer = io.BytesIO()
    Image.new("RGB", (16, 12), (200, 30, 40)).save(buffer, pillow_format)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "pillow_format, expected",
    [("JPEG", "jpeg"), ("PNG", "png"), ("WEBP", "webp"), ("GIF", "gif"), ("BMP", "bmp"), ("TIFF", "tiff")],
)
def test_sniff_pillow_formats(pillow_format, expected):
    assert sniff_format(image_bytes(pillow_format)[:SNIFF_BYTES]) == expected


def test_sniff_heic():
    heif = pillow_heif.from_bytes(mode="RGB", size=(16, 12), data=bytes(16 * 12 * 3))
    buffer = io.BytesIO()
    heif.save(buffer, quality=80)
    assert sniff_format(buffer.getvalue()[:SNIFF_BYTES]) == "heic"


@pytest.mark.skipif(not features.check("avif"), reason="this Pillow cannot write AVIF")
def test_sniff_avif():
    assert sniff_format(image_bytes("AVIF")[:SNIFF_BYTES]) == "avif"


def test_sniff_big_endian_tiff():
    assert sniff_format(b"MM\x00*" + bytes(12)) == "tiff"


@pytest.mark.parametrize("head", [b"", b"hello, world", b"%PDF-1.7\n", bytes(64)])
def test_sniff_rejects_non_images(head):
    with pytest.raises(BadInput):
        sniff_format(head)


def test_sniff_empty_says_so():
    with pytest.raises(BadInput, match="empty"):
        sniff_format(b"")


@pytest.mark.parametrize(
    "original, kind, expected",
    [
        ("holiday.HEIC", "png", "holiday-nobg.png"),
        ("holiday.HEIC", "mask", "holiday-mask.png"),
        ("photo.jpg", "webp", "photo-nobg.webp"),
        ("photo.jpg", "jpeg", "photo-nobg.jpg"),
        ("archive.tar.gz", "png", "archive.tar-nobg.png"),
        ("no_extension", "png", "no_extension-nobg.png"),
        (".hidden", "png", ".hidden-nobg.png"),
        ("C:\\Users\\me\\cat.png", "png", "cat-nobg.png"),
        ("some/folder/dog.webp", "mask", "dog-mask.png"),
        ("", "png", "image-nobg.png"),
    ],
)
def test_output_name(original, kind, expected):
    assert output_name(original, kind) == expected


@pytest.mark.parametrize("channels, mode", [(1, "L"), (2, "LA"), (3, "RGB"), (4, "RGBA")])
def test_png_round_trip(channels, mode):
    width, height = 7, 5  # odd sizes catch stride mistakes
    pixels = np.random.default_rng(channels).integers(0, 256, (height, width, channels), dtype=np.uint8)
    decoded = Image.open(io.BytesIO(encode_png(pixels.tobytes(), width, height, channels)))
    assert decoded.mode == mode
    assert decoded.size == (width, height)
    assert np.array_equal(np.asarray(decoded).reshape(height, width, channels), pixels)


def test_png_wrong_length():
    with pytest.raises(ValueError):
        encode_png(bytes(10), 4, 4, 1)


def test_model_choice():
    assert model_choice(None).name == "fast"
    assert model_choice("fast").file == "fast.onnx"
    assert set(MODELS) == {"quality", "fast"}
    with pytest.raises(ValueError, match="fast or quality"):
        model_choice("huge")
