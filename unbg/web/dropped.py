"""What a drop holds: its files, and the images inside any dropped folder (recursively)."""

from __future__ import annotations

import asyncio

from pyodide.ffi import create_once_callable

from . import dom

IMAGE_EXTENSIONS = {"jpg", "jpeg", "jfif", "png", "webp", "gif", "bmp", "avif", "heic", "heif", "tif", "tiff"}


def is_image(file) -> bool:
    name = file.name or ""
    return (file.type or "").startswith("image/") or name.rsplit(".", 1)[-1].lower() in IMAGE_EXTENSIONS


def drop_entries(data_transfer) -> list:
    """The drop's file-system entries; read now: the browser empties the drop once its event is over."""
    items = data_transfer.items
    entries = [items[i].webkitGetAsEntry() for i in range(items.length)] if items else []
    return [entry for entry in entries if entry]


def _call(method, *args):
    """A future of a callback-style file-system call: method(*args, ok, error)."""
    done = asyncio.get_running_loop().create_future()
    method(*args, create_once_callable(lambda value=None: done.done() or done.set_result(value)),
           create_once_callable(lambda error=None: done.done() or done.set_exception(OSError(str(error)))))
    return done


async def _files_of(entry, path: str, out: list) -> None:
    if entry.isFile:
        file = await _call(entry.file)
        if is_image(file):
            out.append((file, f"{path}{file.name}"))
    elif entry.isDirectory:
        reader = entry.createReader()
        while True:  # readEntries gives a folder's entries a hundred or so at a time
            batch = await _call(reader.readEntries)
            if not batch or batch.length == 0:
                break
            for index in range(batch.length):
                await _files_of(batch[index], f"{path}{entry.name}/", out)


async def dropped_images(entries: list) -> list[tuple]:
    """(File, name) of every image in ``entries``, folders walked in order; unreadable ones left out."""
    out: list[tuple] = []
    for entry in entries:
        try:
            await _files_of(entry, "", out)
        except OSError as error:
            dom.console_warn(f"unbg: could not read {entry.name} from the drop ({error})")
    return out
