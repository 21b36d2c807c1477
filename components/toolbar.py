"""Tools, brush settings, undo/redo, zoom, the download, back to the list, and the keyboard shortcuts."""

from __future__ import annotations

import asyncio

from unbg.core import actions
from unbg.web import dom
from unbg.web.export import export_file

ZOOM_STEP = 1.25


class Toolbar:
    def __init__(self, root, store, layers, service) -> None:
        self._root = root
        self._store = store
        self._layers = layers  # web.layers.PhotoLayers: what the download is made from
        self._service = service  # hears of each download (leaving the page with edits not downloaded asks first)
        self._tools = {tool: dom.find(f"[data-tool={tool}]", root) for tool in ("compare", "erase", "restore")}
        self._size = dom.find("[data-testid=brush-size]", root)
        self._hardness = dom.find("[data-testid=brush-hardness]", root)
        self._undo = dom.find("[data-testid=undo]", root)
        self._redo = dom.find("[data-testid=redo]", root)
        self._reset = dom.find("[data-testid=reset]", root)
        self._back = dom.find("[data-testid=editor-back]", root)
        self._download = dom.find("[data-testid=download]", root)
        self._downloads = dom.Downloads(dom.find("[data-testid=download-link]", root), root, "exportsDone")
        events = self._events = dom.Disposables()
        for tool, button in self._tools.items():
            events.listen(button, "click", lambda event, tool=tool: actions.set_tool(store, tool))
        events.listen(self._size, "input", lambda event: actions.set_brush(store, size=int(self._size.value)))
        events.listen(self._hardness, "input", lambda event: actions.set_brush(store, hardness=int(self._hardness.value) / 100))
        events.listen(self._undo, "click", lambda event: actions.undo_stroke(store))
        events.listen(self._redo, "click", lambda event: actions.redo_stroke(store))
        events.listen(self._reset, "click", lambda event: actions.reset_edits(store))
        events.listen(dom.find("[data-testid=zoom-in]", root), "click", lambda event: actions.zoom_step(store, ZOOM_STEP))
        events.listen(dom.find("[data-testid=zoom-out]", root), "click", lambda event: actions.zoom_step(store, 1 / ZOOM_STEP))
        events.listen(dom.find("[data-testid=zoom-fit]", root), "click", lambda event: actions.zoom_step(store, None))
        events.listen(self._back, "click", lambda event: asyncio.ensure_future(service.close_editor()))
        events.listen(self._download, "click", lambda event: asyncio.ensure_future(self._export()))
        events.listen(dom.document(), "keydown", self._on_key)
        events.add(store.subscribe(self._render))

    def _render(self, state: dict) -> None:
        for tool, button in self._tools.items():
            button.setAttribute("aria-pressed", "true" if state["tool"] == tool else "false")
        self._size.value = str(state["brush_size"])
        self._hardness.value = str(round(state["hardness"] * 100))
        self._undo.disabled = not state["strokes"]
        self._redo.disabled = not state["redo"]
        self._reset.disabled = not state["strokes"]
        dom.show(self._back, len(state["items"]) > 1)
        self._download.textContent = f"Download {dict(png='PNG', webp='WebP', jpeg='JPEG', mask='mask')[state['export_format']]}"
        self._download.disabled = state["result"] is None

    async def _export(self) -> None:
        """Download the cut-out as the export options say, with the edits."""
        state = self._store.state
        if state["result"] is None:
            return
        blob, name = await export_file(self._layers, actions.export_options(state))
        self._downloads.save(blob, name)
        self._service.downloaded([state["open_item"]])

    def _on_key(self, event) -> None:
        if event.target.tagName in ("INPUT", "SELECT", "TEXTAREA") or self._store.get("result") is None:
            return
        key = event.key.lower()
        command = event.ctrlKey or event.metaKey
        if command and key == "z":
            (actions.redo_stroke if event.shiftKey else actions.undo_stroke)(self._store)
        elif command and key == "y":
            actions.redo_stroke(self._store)
        elif command:
            return
        elif key == "e":
            actions.set_tool(self._store, "erase")
        elif key == "r":
            actions.set_tool(self._store, "restore")
        elif key == "c":
            actions.set_tool(self._store, "compare")
        elif key == "[":
            actions.set_brush(self._store, size=self._store.get("brush_size") / 1.2)
        elif key == "]":
            actions.set_brush(self._store, size=self._store.get("brush_size") * 1.2)
        else:
            return
        event.preventDefault()

    def dispose(self) -> None:
        self._events.dispose()
