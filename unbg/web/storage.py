"""Small JSON values kept on this device (localStorage); blocked or garbled storage starts afresh."""

from __future__ import annotations

import json

from pyodide.ffi import JsException

from .context import NotSupported, local_storage


def read_json(key: str) -> dict:
    try:
        value = json.loads(local_storage().getItem(key) or "{}")
    except (ValueError, JsException, NotSupported):
        return {}
    return value if isinstance(value, dict) else {}


def write_json(key: str, value: dict) -> None:
    try:
        local_storage().setItem(key, json.dumps(value))
    except (JsException, NotSupported):
        pass  # nothing kept: the page still works for this visit
