"""Drop photos or folders, click to pick, or paste. Hovering or dragging over it prewarms the model."""

from __future__ import annotations

import asyncio

from unbg.web import dom
from unbg.web.dropped import drop_entries, dropped_images


class Dropzone:
    def __init__(self, root, store, service) -> None:
        self._root = root
        self._service = service  # core.cut_service.CutService
        self._input = dom.find("[data-testid=file-input]", root)
        self._events = dom.Disposables()
        listen = self._events.listen
        listen(root, "dragenter", self._on_drag)
        listen(root, "dragover", self._on_drag)
        listen(root, "dragleave", self._on_leave)
        listen(root, "drop", self._on_drop)
        listen(root, "pointerenter", self._on_hover)
        listen(root, "keydown", self._on_key)
        listen(self._input, "change", self._on_pick)
        listen(dom.document(), "paste", self._on_paste)
        self._events.add(store.subscribe(self._render))

    def _render(self, state: dict) -> None:
        self._root.dataset.busy = "true" if state["page"] == "busy" else "false"
        self._root.classList.toggle("compact", state["result"] is not None)  # the editor needs the room

    def take_early_photos(self) -> None:
        """Photos given while the app was starting: each pick, drop or paste as it came."""
        for files in dom.take_early_photos(later=self._add):
            self._add(files)

    def _add(self, files: list, names: list[str] | None = None) -> None:
        self._service.add_files(files, names or [file.name or "pasted image" for file in files])

    async def _add_folders(self, entries: list) -> None:
        found = await dropped_images(entries)
        self._add([file for file, name in found], [name for file, name in found])

    def _on_drag(self, event) -> None:
        event.preventDefault()  # without it the browser opens the file instead of dropping it
        self._root.classList.add("dragging")
        self._service.prewarm()

    def _on_leave(self, event) -> None:
        self._root.classList.remove("dragging")

    def _on_hover(self, event) -> None:
        self._service.prewarm()

    def _on_drop(self, event) -> None:
        event.preventDefault()
        self._root.classList.remove("dragging")
        entries = drop_entries(event.dataTransfer)
        if any(entry.isDirectory for entry in entries):
            asyncio.ensure_future(self._add_folders(entries))  # a folder's files are read one by one
        else:
            self._add(dom.files_of(event.dataTransfer.files))

    def _on_key(self, event) -> None:
        if event.key in ("Enter", " ") and event.target == self._root:
            event.preventDefault()
            self._input.click()

    def _on_pick(self, event) -> None:
        self._add(dom.files_of(self._input.files))
        self._input.value = ""  # picking the same file again must fire change again

    def _on_paste(self, event) -> None:
        files = dom.files_of(event.clipboardData.files) if event.clipboardData else []
        if files:
            event.preventDefault()
            self._add(files)

    def dispose(self) -> None:
        self._events.dispose()
