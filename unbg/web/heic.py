"""HEIC photos, decoded by libheif-js in a worker of its own (assets/heic-worker.mjs)."""

from __future__ import annotations

import asyncio

import js
from pyodide.ffi import create_proxy

from ..core.errors import BadInput
from . import dom

HEIC_WORKER_URL = "assets/heic-worker.mjs"
MESSAGES = {
    "empty": "This HEIC file holds no image the decoder can read.",
    "damaged": "This HEIC file is damaged and cannot be read.",
}


async def decode_heic(blob):
    """The primary image of a HEIC file as ImageData, upright, at its own size (BadInput if it cannot be read)."""
    worker = js.Worker.new(dom.absolute_url(HEIC_WORKER_URL), dom.js_object({"type": "module"}))
    answered = asyncio.get_running_loop().create_future()
    settle = lambda data: answered.done() or answered.set_result(data)
    handlers = (create_proxy(lambda event: settle(event.data)), create_proxy(lambda event: settle(None)))
    worker.onmessage, worker.onerror = handlers
    try:
        buffer = await blob.arrayBuffer()
        worker.postMessage(dom.js_object({"buffer": buffer}), dom.js_array([buffer]))  # moved, not copied
        reply = await answered
    finally:
        worker.terminate()  # its libheif and all its memory with it
        for handler in handlers:
            handler.destroy()
    if reply is None:
        raise BadInput(MESSAGES["damaged"])  # the worker itself failed
    if getattr(reply, "error", None):
        raise BadInput(MESSAGES.get(reply.error, MESSAGES["damaged"]))
    return js.ImageData.new(js.Uint8ClampedArray.new(reply.pixels), reply.width, reply.height)
