"""The one place components touch the DOM: listeners that can be freed, lookups, blobs."""

from __future__ import annotations

from typing import Callable

import js
from pyodide.ffi import create_proxy, to_js


class Listener:
    """An event listener whose JS proxy is destroyed when it is removed."""

    def __init__(self, target, event: str, handler: Callable, **options) -> None:
        self._target, self._event = target, event
        self._proxy = create_proxy(handler)
        self._options = to_js(options, dict_converter=js.Object.fromEntries) if options else None
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


def find(selector: str, root=None):
    """The element matching ``selector``; a missing element is a bug in index.html."""
    element = (root or js.document).querySelector(selector)
    if element is None:
        raise LookupError(f"no element matches {selector!r}")
    return element


def show(element, visible: bool) -> None:
    element.hidden = not visible


def object_url(blob) -> str:
    return js.URL.createObjectURL(blob)


def revoke_url(url: str | None) -> None:
    if url:
        js.URL.revokeObjectURL(url)


def files_of(file_list) -> list:
    """A FileList (or DataTransfer items' files) as a Python list of File objects."""
    return [file_list.item(i) for i in range(file_list.length)] if file_list else []


def js_object(value: dict):
    """A plain JS object from a dict (options bags for browser APIs)."""
    return to_js(value, dict_converter=js.Object.fromEntries)


def bytes_blob(data: bytes, mime: str):
    return js.Blob.new(to_js([to_js(data)]), js_object({"type": mime}))

