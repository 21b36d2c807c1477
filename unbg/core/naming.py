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


def unique_names(originals: list[str], kind: str = "png") -> list[str]:
    """Output names for several photos, none twice: the second ``egg-nobg.png`` is ``egg-nobg-2.png``."""
    taken: set[str] = set()
    names = []
    for original in originals:
        name = output_name(original, kind)
        stem, _, extension = name.rpartition(".")
        count = 1
        while name.lower() in taken:  # case-insensitive: two names differing in case clash on most disks
            count += 1
            name = f"{stem}-{count}.{extension}"
        taken.add(name.lower())
        names.append(name)
    return names
