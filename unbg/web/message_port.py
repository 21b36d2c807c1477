"""Window messages in and out for the message API: JS values become dicts, replies become JS objects.

Only our own window is answered for now (the embedding parent comes later).
"""

from __future__ import annotations

from pyodide.ffi import jsnull

from . import dom

OPTION_NAMES = ("model", "output", "best")


def _field(obj, name: str):
    """``obj.name`` of a message, with JS undefined and null both meaning "not given" (None)."""
    value = getattr(obj, name, None) if obj is not None and obj is not jsnull else None
    return None if value is jsnull else value


class MessagePort:
    def __init__(self, api) -> None:
        self._api = api  # core.message_api.MessageApi
        self._events = dom.Disposables()
        self._events.listen(dom.window(), "message", self._on_message)

    def _on_message(self, event) -> None:
        if event.source != dom.window() or _field(event.data, "type") != "unbg:cut":
            return
        data, source, origin = event.data, event.source, event.origin
        options = _field(data, "options")
        image = _field(data, "image")
        message = {
            "type": "unbg:cut",
            "id": _field(data, "id"),
            "image": None if image is None else dom.blob_of(image),
            "options": None if options is None else {name: _field(options, name) for name in OPTION_NAMES},
        }
        self._api.handle(message, lambda reply: source.postMessage(dom.js_object(reply), origin))

    def dispose(self) -> None:
        self._events.dispose()
