"""What this page has, decided once: isolation, threads, a GPU adapter, storage, embedded or not.

What cannot work here raises NotSupported with a reason, instead of returning None.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import js
from pyodide.ffi import JsException, jsnull

from ..core.backend import Adapter


class NotSupported(Exception):
    """This page cannot do it (a browser without the API, storage blocked in a frame, …)."""


@dataclass(frozen=True)
class PageContext:
    isolated: bool  # cross-origin isolated: SharedArrayBuffer, so onnxruntime gets threads
    threads: int
    embedded: bool  # in a frame of another page


@cache
def page_context() -> PageContext:
    isolated = bool(getattr(js, "crossOriginIsolated", False))
    return PageContext(
        isolated=isolated,
        threads=int(js.navigator.hardwareConcurrency or 1) if isolated else 1,
        embedded=js.window.parent != js.window,
    )


async def gpu_adapter() -> Adapter | None:
    """What navigator.gpu offers: its adapter's kind, or None (no WebGPU, no adapter, or it failed)."""
    if not hasattr(js.navigator, "gpu"):
        return None  # not a secure context, or a browser without WebGPU
    try:
        adapter = await js.navigator.gpu.requestAdapter()
    except JsException:
        return None
    if adapter is None or adapter is jsnull:  # no adapter: JavaScript's null
        return None
    info = getattr(adapter, "info", None)  # GPUAdapterInfo: Chromium 121+
    fallback = bool(getattr(info, "isFallbackAdapter", False)) if info is not None else False
    return Adapter(fallback=fallback)


def cache_storage():
    """Cache Storage (where the models are kept), or NotSupported."""
    if not hasattr(js, "caches"):
        raise NotSupported("Cache Storage needs a secure context (https or localhost).")
    return js.caches


def local_storage():
    """localStorage, or NotSupported where the browser blocks it (some frames, private modes)."""
    try:
        storage = js.window.localStorage
        storage.length  # a blocked storage throws on use, not always on access
        return storage
    except JsException as error:
        raise NotSupported(f"Local storage is blocked here ({error}).") from None
