"""The one place the app touches the DOM: listeners that free their proxies, lookups,
canvases, pixels moved as typed arrays, blobs and performance marks."""

from __future__ import annotations

from typing import Callable

import js
from pyodide.ffi import create_once_callable, create_proxy, to_js


def hex_of(buffer) -> str:
    """An ArrayBuffer's bytes in hex (a digest: a few bytes)."""
    return bytes(js.Uint8Array.new(buffer).to_py()).hex()


def js_object(value: dict):
    """A plain JS object from a dict (nested dicts too): options bags and messages."""
    return to_js(value, dict_converter=js.Object.fromEntries)


def js_array(values: list):
    return to_js(values)


class Listener:
    """An event listener whose JS proxy is destroyed when it is removed."""

    def __init__(self, target, event: str, handler: Callable, **options) -> None:
        self._target, self._event = target, event
        self._proxy = create_proxy(handler)
        self._options = js_object(options) if options else None
        if self._options is None:
            target.addEventListener(event, self._proxy)
        else:
            target.addEventListener(event, self._proxy, self._options)

    def remove(self) -> None:
        if self._proxy is None:
            return
        self._target.removeEventListener(self._event, self._proxy, self._options)
        self._proxy.destroy()
        self._proxy = None


class Disposables:
    """Collects listeners and unsubscribe functions; ``dispose`` frees them all."""

    def __init__(self) -> None:
        self._items: list[Callable[[], None]] = []

    def listen(self, target, event: str, handler: Callable, **options) -> Listener:
        listener = Listener(target, event, handler, **options)
        self._items.append(listener.remove)
        return listener

    def add(self, cleanup: Callable[[], None]) -> None:
        self._items.append(cleanup)

    def dispose(self) -> None:
        while self._items:
            self._items.pop()()


class ResizeWatcher:
    """Calls ``handler()`` whenever ``element`` changes size."""

    def __init__(self, element, handler: Callable[[], None]) -> None:
        self._proxy = create_proxy(lambda entries, observer: handler())
        self._observer = js.ResizeObserver.new(self._proxy)
        self._observer.observe(element)

    def dispose(self) -> None:
        self._observer.disconnect()
        self._proxy.destroy()


def animation_frame(handler: Callable[[float], None]) -> Callable[[], None]:
    """Call ``handler(timestamp)`` before the next paint; returns the way to cancel it."""
    proxy = create_once_callable(handler)
    handle = js.requestAnimationFrame(proxy)
    return lambda: js.cancelAnimationFrame(handle)


# -- the page -----------------------------------------------------------------
def document():
    return js.document


def window():
    return js.window


def find(selector: str, root=None):
    """The element matching ``selector``; a missing element is a bug in index.html."""
    element = (root or js.document).querySelector(selector)
    if element is None:
        raise LookupError(f"no element matches {selector!r}")
    return element


def show(element, visible: bool) -> None:
    element.hidden = not visible


def mark_page(**attributes: str) -> None:
    """Set ``data-*`` attributes on <html>: what people's CSS, the tests and the bench read."""
    for name, value in attributes.items():
        setattr(js.document.documentElement.dataset, name, value)


def absolute_url(path: str) -> str:
    """Absolute URL of a path of ours (workers and dynamic imports need absolute URLs)."""
    return js.URL.new(path, js.document.baseURI).href


def console_error(message: str) -> None:
    js.console.error(message)


def mark(name: str) -> None:
    """A performance mark: the bench reads where the start-up time went."""
    js.performance.mark(name)


def measure_since(name: str, start_ms: float) -> None:
    """A performance measure from ``start_ms`` (an event's timeStamp) to now: the bench reads these."""
    js.performance.measure(name, js_object({"start": start_ms, "end": js.performance.now()}))


def files_of(file_list) -> list:
    """A FileList (or DataTransfer items' files) as a Python list of File objects."""
    return [file_list.item(i) for i in range(file_list.length)] if file_list else []


# -- pixels and files -----------------------------------------------------------
def canvas(width: int, height: int):
    return js.OffscreenCanvas.new(width, height)


def context_2d(target, read_often: bool = False):
    """A canvas's 2D context; ``read_often`` keeps it on the CPU for getImageData."""
    return target.getContext("2d", js_object({"willReadFrequently": True})) if read_often else target.getContext("2d")


def free(*arrays) -> None:
    """Give typed arrays' memory back now, not whenever the GC runs (48 MB each at 12 MP): their
    buffers are detached (ArrayBuffer.transfer). Views of them, e.g. an ImageData's, go empty."""
    for array in arrays:
        buffer = getattr(array, "buffer", None)
        if buffer is not None and hasattr(buffer, "transfer") and not buffer.detached:
            buffer.transfer(0)


def image_data(data, width: int, height: int):
    """An ImageData over the bytes of a Uint8Array, without copying them."""
    return js.ImageData.new(js.Uint8ClampedArray.new(data.buffer, data.byteOffset, data.length), width, height)


async def create_bitmap(source, **options):
    return await js.createImageBitmap(source, js_object(options)) if options else await js.createImageBitmap(source)


async def canvas_blob(surface, mime: str, quality: float | None = None):
    """The canvas encoded as a file; the canvas is spent: its pixels go now, not whenever the GC runs."""
    options = {"type": mime} if quality is None else {"type": mime, "quality": quality}
    blob = await surface.convertToBlob(js_object(options))
    surface.width = surface.height = 0
    return blob


def bytes_blob(data: bytes, mime: str):
    return blob_of_parts([data], mime)


def blob_of(parts):
    """A Blob of a Blob, ArrayBuffer or typed array (what a message may carry)."""
    return js.Blob.new(to_js([parts]))


async def read_bytes(blob, start: int, end: int) -> bytes:
    buffer = await blob.slice(start, end).arrayBuffer()
    return js.Uint8Array.new(buffer).to_bytes()


def object_url(blob) -> str:
    return js.URL.createObjectURL(blob)


def revoke_url(url: str | None) -> None:
    if url:
        js.URL.revokeObjectURL(url)


def blob_of_parts(parts: list, mime: str):
    """One Blob of bytes and Blobs, in order; the Blobs are referenced, not copied."""
    return js.Blob.new(to_js([to_js(part) if isinstance(part, bytes) else part for part in parts]),
                       js_object({"type": mime}))


def create(tag: str, parent=None, text: str | None = None, **attributes: str):
    """A new element with ``attributes`` (``data_status`` becomes ``data-status``), appended to ``parent``."""
    element = js.document.createElement(tag)
    for name, value in attributes.items():
        element.setAttribute(name.replace("_", "-"), value)
    if text is not None:
        element.textContent = text
    if parent is not None:
        parent.appendChild(element)
    return element


def now_ms() -> float:
    return js.performance.now()


class Downloads:
    """Has the browser save files through a hidden ``link``; counts them on ``counter``'s
    ``data-<attribute>`` (what tests wait on) and revokes each file's URL when the next is made."""

    def __init__(self, link, counter, attribute: str) -> None:
        self._link, self._counter, self._attribute = link, counter, attribute
        self._url = None
        self._count = 0

    def save(self, blob, name: str) -> None:
        revoke_url(self._url)
        self._url = object_url(blob)
        self._link.href, self._link.download = self._url, name
        self._link.click()
        self._count += 1
        setattr(self._counter.dataset, self._attribute, str(self._count))


def console_warn(message: str) -> None:
    js.console.warn(message)


def take_early_photos(later: Callable[[list], None]) -> list[list]:
    """The photos given before Python was ready (assets/early-photos.js), a list per pick, drop or paste.

    Photos handed to the page's script afterwards (a share, "open with") go to ``later``.
    """
    def as_list(files) -> list:  # a JS array of File objects
        return [files[i] for i in range(files.length)]

    files_later = create_proxy(lambda files: later(as_list(files)))  # lives as long as the page
    return [as_list(group) for group in js.window.unbgEarly.take(files_later)]


def query_string() -> str:
    return js.location.search


def own_origin() -> str:
    return js.location.origin


def parent_window():
    """The page this one is embedded in, or None at the top."""
    return None if js.window.parent == js.window else js.window.parent


def is_plain_object(value) -> bool:
    return hasattr(value, "js_id") and js.Object.prototype.toString.call(value) == "[object Object]"


def own_keys(obj) -> list[str]:
    return list(js.Object.keys(obj))


def is_array_buffer(value) -> bool:
    return bool(js.ArrayBuffer.isView(value)) or js.Object.prototype.toString.call(value) == "[object ArrayBuffer]"


def byte_size(value) -> int:
    """The size of a Blob, ArrayBuffer or typed array (or a string) in bytes."""
    if isinstance(value, str):
        return len(value.encode())
    size = getattr(value, "size", None)
    return int(size if size is not None else getattr(value, "byteLength", 0) or 0)


async def post_with_buffer(target, origin: str, reply: dict) -> None:
    """Post ``reply`` with its ``blob`` as an ArrayBuffer in the transfer list (moved, not copied)."""
    buffer = await reply["blob"].arrayBuffer()
    message = js_object({name: value for name, value in reply.items() if name != "blob"})
    message.buffer = buffer
    target.postMessage(message, js_object({"targetOrigin": origin, "transfer": to_js([buffer])}))
