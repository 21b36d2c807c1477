"""The batch's pure parts: unique names, the stored ZIP, the time left."""

from __future__ import annotations

import io
import zipfile
import zlib

import pytest

from unbg.core.embedding import parse_origins
from unbg.core.naming import unique_names
from unbg.core.progress import time_left, time_left_label
from unbg.core.zip_writer import Entry, zip_parts


def test_two_photos_with_one_stem_get_two_names():
    assert unique_names(["egg.jpg", "egg.png", "Egg.heic", "a/egg.webp", "tall.png"]) == [
        "egg-nobg.png", "egg-nobg-2.png", "Egg-nobg-3.png", "egg-nobg-4.png", "tall-nobg.png"]
    assert unique_names(["egg.jpg", "egg.png"], "jpeg") == ["egg-nobg.jpg", "egg-nobg-2.jpg"]
    assert unique_names(["egg.jpg", "egg.png"], "mask") == ["egg-mask.png", "egg-mask-2.png"]
    assert unique_names(["egg-nobg-2.jpg", "egg.jpg", "egg.png"]) == ["egg-nobg-2-nobg.png", "egg-nobg.png", "egg-nobg-2.png"]


def write(files: dict[str, bytes]) -> bytes:
    entries = [Entry(name, len(data), zlib.crc32(data)) for name, data in files.items()]
    contents = list(files.values())
    return b"".join(contents[part] if isinstance(part, int) else part for part in zip_parts(entries))


def test_the_zip_stores_every_file_as_it_is_and_reads_back():
    files = {"egg-nobg.png": b"\x89PNG fake" * 100, "ünïcode-nobg.png": b"x", "empty.png": b""}
    archive = zipfile.ZipFile(io.BytesIO(write(files)))
    assert archive.testzip() is None
    assert [info.filename for info in archive.infolist()] == list(files)
    assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_STORED}
    assert {name: archive.read(name) for name in files} == files
    assert write(files) == write(files)  # the same files, the same bytes


def test_a_zip_past_4_gb_is_refused_with_a_reason():
    with pytest.raises(ValueError, match="4 GB"):
        zip_parts([Entry(f"{i}.png", 2**31, 0) for i in range(2)])


def test_time_left_comes_from_the_pace_so_far():
    assert time_left(0, 50, 10.0) is None
    assert time_left(10, 50, 60.0) == pytest.approx(240.0)
    assert time_left(50, 50, 300.0) == 0
    assert time_left_label(None) == "" and time_left_label(0) == "almost done"
    assert time_left_label(42) == "about 40 s left" and time_left_label(240) == "about 4 min left"


def test_embed_origins_are_a_comma_separated_list():
    assert parse_origins(None) == [] and parse_origins("") == []
    assert parse_origins(" https://shop.example/ ,https://cms.example,, ") == ["https://shop.example", "https://cms.example"]
