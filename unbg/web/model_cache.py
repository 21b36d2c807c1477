"""The models' bytes: from Cache Storage, else downloaded with progress and kept there."""

from __future__ import annotations

from typing import Callable

import js
from pyodide.ffi import JsException

from ..core.errors import ModelLoadError
from ..core.models import MODEL_CACHE
from .context import NotSupported, cache_storage


async def is_cached(url: str) -> bool:
    """Whether ``url`` is in Cache Storage already (a returning visitor)."""
    try:
        return bool(await (await cache_storage().open(MODEL_CACHE)).match(url))
    except (JsException, NotSupported):  # storage blocked (private modes, some iframes)
        return False


async def model_bytes(url: str, size: int, on_progress: Callable[[float], None]):
    """The model's ``size`` bytes as a Uint8Array; ``on_progress(fraction)`` while downloading."""
    cache = await cache_storage().open(MODEL_CACHE)
    cached = await cache.match(url)
    if cached:
        on_progress(1.0)
        return js.Uint8Array.new(await cached.arrayBuffer())
    response = await js.fetch(url)
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
    # Cache a copy before onnxruntime's worker takes (detaches) the buffer.
    await cache.put(url, js.Response.new(data.slice()))
    return data
