"""Catch truncated files that a browser decoder would quietly fill with grey."""

from __future__ import annotations

from .errors import BadInput

TAIL_BYTES = 4096  # trailing bytes to look at; writers may pad after the end marker


def check_complete(fmt: str, tail: bytes) -> None:
    """Raise BadInput if a JPEG lacks its end marker or a PNG its IEND chunk."""
    if fmt == "jpeg" and b"\xff\xd9" not in tail:
        raise BadInput("This JPEG is damaged or incomplete and cannot be read.")
    if fmt == "png" and b"IEND" not in tail:
        raise BadInput("This PNG is damaged or incomplete and cannot be read.")
