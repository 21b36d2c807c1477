"""Settings a link or a host page's iframe can give in the URL: ?model=quality&format=webp&background=00aa00&best=1.

Unknown names and bad values are ignored: a link never breaks the page.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs

from .models import MODELS

FORMATS = ("png", "webp", "jpeg", "mask")
HEX_COLOUR = re.compile(r"[0-9a-fA-F]{6}")  # without '#', which a URL would need escaped


def url_settings(query: str) -> dict:
    """The store's values for what ``query`` (``location.search``) sets validly."""
    given = {name: values[-1] for name, values in parse_qs(query.lstrip("?")).items()}
    settings = {}
    if given.get("model") in MODELS:
        settings["model"] = given["model"]
    if given.get("format") in FORMATS:
        settings["export_format"] = given["format"]
    if HEX_COLOUR.fullmatch(given.get("background", "")):
        settings["background"] = "#" + given["background"].lower()
    if given.get("best") in ("0", "1"):
        settings["best"] = given["best"] == "1"
    return settings
