"""An image's declared size, read from its header before decoding, and the limits on it."""

from __future__ import annotations

import io
import struct

import numpy as np
import pillow_heif
import pytest
from PIL import Image

from tests.drawings import png_claiming, saved
from unbg.core.errors import BadInput
from unbg.core.image_header import HEADER_BYTES, declared_size, is_animated, refuse_if_larger, working_size
from unbg.core.sniff import sniff_format
from unbg.native.engine import decode_image

WIDTH, HEIGHT = 53, 37  # neither a multiple of 8 nor square: a swapped or rounded field shows


def photo(width: int = WIDTH, height: int = HEIGHT) -> Image.Image:
    return Image.fromarray(np.random.default_rng(1).integers(0, 255, (height, width, 3), dtype=np.uint8))


def size_of(data: bytes):
    return declared_size(sniff_format(data[:64]), data[:HEADER_BYTES])


@pytest.mark.parametrize("pillow_format, options", [
    ("PNG", {}), ("GIF", {}), ("BMP", {}), ("JPEG", {}), ("JPEG", {"progressive": True}),
    ("WEBP", {"lossless": True}), ("WEBP", {"quality": 80}),
])
def test_the_header_gives_the_size(pillow_format, options):
    assert size_of(saved(photo(), pillow_format, **options)) == (WIDTH, HEIGHT)


def test_webp_with_alpha_uses_the_extended_header():
    see_through = photo().convert("RGBA")
    see_through.putalpha(Image.linear_gradient("L").resize((WIDTH, HEIGHT)))
    data = saved(see_through, "WEBP", quality=80)
    assert data[12:16] == b"VP8X"
    assert size_of(data) == (WIDTH, HEIGHT)


def test_os2_bitmap_header():
    data = b"BM" + bytes(12) + struct.pack("<IHH", 12, 300, 200) + bytes(8)
    assert size_of(data) == (300, 200)


def test_jpeg_frame_header_after_large_exif_and_icc_segments():
    icc = b"ICC_PROFILE\0" + bytes(60_000)
    data = saved(photo(), "JPEG", exif=b"Exif\0\0" + bytes(50_000), icc_profile=icc * 2)
    assert data.find(b"\xff\xc0") > 100_000
    assert size_of(data) == (WIDTH, HEIGHT)


def test_heic_gives_its_primary_image_not_a_larger_other_one():
    small, large = pillow_heif.from_pillow(photo(64, 128)), pillow_heif.from_pillow(photo(256, 192))
    small.add_from_pillow(Image.fromarray(np.zeros((192, 256, 3), np.uint8)))
    buffer = io.BytesIO()
    small.save(buffer, quality=50, primary_index=0)
    assert size_of(buffer.getvalue()) == (64, 128)
    buffer = io.BytesIO()
    large.save(buffer, quality=50)
    assert size_of(buffer.getvalue()) == (256, 192)


def test_a_header_cut_short_or_garbled_gives_no_size():
    data = saved(photo(), "JPEG")
    assert size_of(data[:100]) is None
    assert declared_size("png", b"\x89PNG\r\n\x1a\n" + bytes(30)) is None
    assert declared_size("heic", b"\0\0\0\x18ftypheic" + bytes(12)) is None
    assert declared_size("tiff", saved(photo(), "TIFF")) is None  # not read: Pillow's own check covers it


def test_working_size_keeps_the_shape_and_the_limit():
    assert working_size(4032, 3024) == (4032, 3024)  # 12 MP: cut at its own size
    width, height = working_size(16320, 12240)
    assert width * height <= 16e6 and width * height > 15.9e6
    assert abs(width / height - 16320 / 12240) < 1e-3
    assert working_size(10000, 100, 0.5) == (7071, 70)


def test_too_large_names_the_size_and_the_limit():
    refuse_if_larger("PNG", (10000, 10000), 100)  # exactly the limit is allowed
    with pytest.raises(BadInput) as refused:
        refuse_if_larger("PNG", (30000, 30000), 100)
    assert "30,000 × 30,000 px (900 MP)" in str(refused.value) and "100 MP" in str(refused.value)


def test_native_decode_refuses_a_huge_header_before_decoding():
    with pytest.raises(BadInput, match="30,000 × 30,000 px.*too large"):
        decode_image(png_claiming(30000, 30000))


def test_native_decode_scales_a_large_photo_down_upright():
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: upright it is portrait
    data = saved(photo(400, 200), "JPEG", exif=exif.tobytes())
    assert decode_image(data).shape == (400, 200, 4)
    scaled = decode_image(data, max_megapixels=0.02)
    height, width = scaled.shape[:2]
    assert (width, height) == working_size(200, 400, 0.02) and height > width


@pytest.mark.parametrize("pillow_format", ["GIF", "PNG", "WEBP"])
def test_animated_files_are_told_from_still_ones(pillow_format):
    frames = [photo(), Image.new("RGB", (WIDTH, HEIGHT), (20, 90, 200))]
    animated = saved(frames[0], pillow_format, save_all=True, append_images=frames[1:], duration=100, loop=0)
    fmt = sniff_format(animated[:64])
    assert is_animated(fmt, animated[:HEADER_BYTES])
    assert not is_animated(fmt, saved(frames[0], pillow_format))
