"""File names for what unbg writes."""

from __future__ import annotations

import re

EXTENSIONS = {"png": "png", "webp": "webp", "jpeg": "jpg", "mask": "png"}


def output_name(original: str, kind: str = "png") -> str:
    """``holiday.HEIC`` → ``holiday-nobg.png``; a mask is ``holiday-mask.png``."""
    base = re.split(r"[\\/]", original or "")[-1]
    stem = base.rsplit(".", 1)[0] if "." in base.strip(".") else base
    stem = stem.strip() or "image"
    suffix = "mask" if kind == "mask" else "nobg"
    return f"{stem}-{suffix}.{EXTENSIONS[kind]}"
