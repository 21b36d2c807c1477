"""Which other origins may embed unbg and talk to it."""

from __future__ import annotations


def parse_origins(value: str | None) -> list[str]:
    """``EMBED_ORIGINS``, comma-separated (``https://shop.example, https://cms.example``), as a list."""
    return [origin.strip().rstrip("/") for origin in (value or "").split(",") if origin.strip()]
