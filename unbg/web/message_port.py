"""Window messages in and out for the message API: JS values become dicts, replies become JS objects.

Answered: our own window, and the parent page when it is on an allowed origin
(``EMBED_ORIGINS``, see unbg/dev/serve.py). A message from anywhere else gets no answer at all.
Replies go to the sender's own origin, never to "*".
"""

from __future__ import annotations

import asyncio

from pyodide.ffi import JsException, jsnull

from . import dom

VERSION = "0.1.0"


def _field(obj, name: str):
    """``obj.name`` of a message, with JS undefined and null both meaning "not given" (None)."""
    value = getattr(obj, name, None) if obj is not None and obj is not jsnull else None
    return None if value is jsnull else value


def _options(options):
    """The options as a dict of plain values, unknown names included (the API refuses them)."""
    if not dom.is_plain_object(options):
        return options  # None, or not an object: the API says so
    return {name: _field(options, name) for name in dom.own_keys(options)}


class MessagePort:
    def __init__(self, api, allowed_origins: list[str]) -> None:
        self._api = api  # core.message_api.MessageApi
        self._allowed = {dom.own_origin(), *allowed_origins}
        self._events = dom.Disposables()
        self._events.listen(dom.window(), "message", self._on_message)

    def announce(self, threads: int) -> None:
        """Tell the parent page the widget is ready (only a parent on an allowed origin hears it)."""
        parent = dom.parent_window()
        if parent is None:
            return
        message = dom.js_object({"type": "unbg:ready", "version": VERSION, "threads": threads})
        for origin in sorted(self._allowed):  # postMessage delivers only to the parent's real origin
            parent.postMessage(message, origin)

    def _on_message(self, event) -> None:
        source, origin = event.source, event.origin
        if origin not in self._allowed or (source != dom.window() and source != dom.parent_window()):
            return  # not ours to answer
        data = event.data
        kind = _field(data, "type")
        if not isinstance(kind, str) or not kind.startswith("unbg:") or kind in ("unbg:progress", "unbg:result",
                                                                                   "unbg:error", "unbg:ready"):
            return  # our own replies come through here too when the sender is our window
        image = _field(data, "image")
        buffer_sent = image is not None and dom.is_array_buffer(image)
        message = {
            "type": kind,
            "id": _field(data, "id"),
            "image": None if image is None else dom.blob_of(image),
            "image_bytes": 0 if image is None else dom.byte_size(image),
            "options": _options(_field(data, "options")),
        }
        self._api.handle(message, lambda reply: self._send(source, origin, reply, buffer_sent), origin=origin)

    def _send(self, target, origin: str, reply: dict, as_buffer: bool) -> None:
        if as_buffer and reply.get("blob") is not None:
            asyncio.ensure_future(dom.post_with_buffer(target, origin, reply))  # the PNG, moved not copied
            return
        try:
            target.postMessage(dom.js_object(reply), origin)
        except JsException as error:  # the sender went away
            dom.console_warn(f"unbg: could not answer {origin}: {error}")

    def dispose(self) -> None:
        self._events.dispose()
