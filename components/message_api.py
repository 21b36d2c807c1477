"""The programmatic interface: ``unbg:cut`` messages in, progress/result/error out."""

from __future__ import annotations

import asyncio

import js
from pyodide.ffi import jsnull, to_js

from unbg.browser_engine import error_code
from unbg.errors import BadInput, UnbgError
from unbg.models import DEFAULT_MODEL, MODELS, view_count

from . import dom


def _field(obj, name: str, default=None):
    """``obj.name`` of a message, with JS undefined and null both meaning "not given"."""
    value = getattr(obj, name, None) if obj is not None and obj is not jsnull else None
    return default if value is None or value is jsnull else value


class MessageApi:
    """Listens for messages from our own window (the embedding parent comes later)."""

    def __init__(self, service) -> None:
        self._service = service
        self._events = dom.Disposables()
        self._events.listen(js.window, "message", self._on_message)

    def _on_message(self, event) -> None:
        if event.source != js.window or _field(event.data, "type") != "unbg:cut":
            return
        asyncio.ensure_future(self._handle(event.source, event.origin, event.data))

    async def _handle(self, source, origin: str, data) -> None:
        job_id = _field(data, "id")

        def reply(message: dict) -> None:
            source.postMessage(to_js({"id": job_id, **message}, dict_converter=js.Object.fromEntries), origin)

        try:
            options = _field(data, "options")
            model = _field(options, "model", DEFAULT_MODEL)
            output = _field(options, "output", "cutout")
            views = view_count(bool(_field(options, "best", False)))
            if model not in MODELS:
                raise BadInput(f"Unknown model {model!r}: use 'fast' or 'quality'.")
            image = _field(data, "image")
            if image is None:
                raise BadInput("The message has no image: send a Blob or an ArrayBuffer as 'image'.")
            blob = js.Blob.new(to_js([image]))
            progress = lambda stage, value: reply({"type": "unbg:progress", "stage": stage, "value": value})
            result = await self._service.cut(blob, model, views, output, progress)
        except UnbgError as error:
            reply({"type": "unbg:error", "code": error_code(error), "message": str(error)})
            return
        except Exception as error:
            js.console.error(f"unbg: message API: {error!r}")
            reply({"type": "unbg:error", "code": "internal", "message": "Something went wrong; please try again."})
            return
        timings = to_js(result.timings, dict_converter=js.Object.fromEntries)
        reply({"type": "unbg:result", "blob": result.blob, "width": result.width, "height": result.height, "timings": timings})

    def dispose(self) -> None:
        self._events.dispose()
