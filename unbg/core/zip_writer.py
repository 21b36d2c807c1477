"""A ZIP of files that are already compressed (PNG, WebP, JPEG), written as parts.

Entries are stored, not deflated (deflating a PNG again gains nothing). The writer makes
only the headers; the files themselves stay where they are (Blobs in the browser, bytes
natively) and are laid between the headers by the caller, so the ZIP never holds a second
copy of every result.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

LIMIT = 0xFFFFFFFF  # without ZIP64, no entry, offset or archive may reach 4 GiB
DOS_DATE = (2026 - 1980) << 9 | 1 << 5 | 1  # a fixed date: the same files give the same ZIP
UTF8_NAMES = 1 << 11


@dataclass(frozen=True)
class Entry:
    name: str
    size: int
    crc32: int


def _local_header(entry: Entry, name: bytes) -> bytes:
    return struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, UTF8_NAMES, 0, 0, DOS_DATE, entry.crc32, entry.size,
                       entry.size, len(name), 0) + name


def _central_header(entry: Entry, name: bytes, offset: int) -> bytes:
    return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, UTF8_NAMES, 0, 0, DOS_DATE, entry.crc32,
                       entry.size, entry.size, len(name), 0, 0, 0, 0, 0, offset) + name


def zip_parts(entries: list[Entry]) -> list[bytes | int]:
    """The ZIP as a list of parts: bytes to write as they are, and for each entry its index
    (an int) where that file's own bytes go. ValueError if it would need ZIP64."""
    parts: list[bytes | int] = []
    central = []
    offset = 0
    for index, entry in enumerate(entries):
        name = entry.name.encode("utf-8")
        header = _local_header(entry, name)
        central.append(_central_header(entry, name, offset))
        parts += [header, index]
        offset += len(header) + entry.size
    directory = b"".join(central)
    if offset + len(directory) >= LIMIT or len(entries) >= 0xFFFF:
        raise ValueError("The ZIP would be over 4 GB or 65,535 files: download the photos in smaller groups.")
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(directory), offset, 0)
    return parts + [directory + end]
