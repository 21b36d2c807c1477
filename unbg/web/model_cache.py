"""The models' bytes: from Cache Storage, checked, else downloaded with progress, checked and kept there."""

from __future__ import annotations

from typing import Callable

import js
from pyodide.ffi import JsException

from ..core.errors import ModelLoadError
from ..core.models import MODEL_CACHE
from . import dom
from .context import NotSupported, cache_storage

CACHED_EVENT = "unbg:model-cached"  # the built site's assets/pwa.js then asks for persistent storage


async def is_cached(url: str) -> bool:
    """Whether ``url`` is in Cache Storage already (a returning visitor)."""
    try:
        return bool(await (await cache_storage().open(MODEL_CACHE)).match(url))
    except (JsException, NotSupported):  # storage blocked (private modes, some iframes)
        return False


async def cached_model(url: str):
    """The cached bytes as a Uint8Array, or None; check them with ``has_digest`` before trusting them."""
    cached = await (await cache_storage().open(MODEL_CACHE)).match(url)
    return js.Uint8Array.new(await cached.arrayBuffer()) if cached else None


def has_digest(data, sha256: str):
    """A promise of whether ``data`` hashes to ``sha256`` (a truncated copy does not either): the bytes
    are copied now, so the caller may hand ``data`` on (onnxruntime's worker detaches it) meanwhile."""
    digest = js.crypto.subtle.digest("SHA-256", data)
    return digest.then(lambda buffer: dom.hex_of(buffer) == sha256)


async def forget(url: str) -> None:
    await (await cache_storage().open(MODEL_CACHE)).delete(url)


async def download_model(url: str, size: int, sha256: str, on_progress: Callable[[float], None]):
    """The model's ``size`` bytes from the network, checked against ``sha256`` and kept in the cache."""
    response = await js.fetch(url, dom.js_object({"cache": "no-store"}))  # never a stale copy from the HTTP cache
    if not response.ok:
        raise ModelLoadError(f"The model download failed (HTTP {response.status}).")
    data = js.Uint8Array.new(size)
    reader = response.body.getReader()
    received = 0
    on_progress(0.0)
    while True:
        chunk = await reader.read()
        if chunk.done:
            break
        if received + chunk.value.length > size:
            raise ModelLoadError("The model download is larger than expected: the site is out of date, reload it.")
        data.set(chunk.value, received)
        received += chunk.value.length
        on_progress(received / size)
    if received != size:
        raise ModelLoadError("The model download stopped early. Check the connection and try again.")
    if not await has_digest(data, sha256):
        raise ModelLoadError("The model arrived damaged. Check the connection and try again.")
    # Cache a copy before onnxruntime's worker takes (detaches) the buffer.
    await (await cache_storage().open(MODEL_CACHE)).put(url, js.Response.new(data.slice()))
    js.window.dispatchEvent(js.Event.new(CACHED_EVENT))
    return data
