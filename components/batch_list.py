"""The batch list: every photo with its picture, name and status; retry, remove, open, download;
above it how far the batch is, the time left, Cancel the rest and Download all as one ZIP."""

from __future__ import annotations

import asyncio

from unbg.core import actions
from unbg.core.naming import output_name
from unbg.core.progress import time_left, time_left_label
from unbg.web import dom
from unbg.web.batch_files import batch_zip, item_file

STATUS_WORDS = {"queued": "Waiting", "running": "Cutting out …", "done": "Done", "failed": "Failed",
                "cancelled": "Cancelled"}
ZIP_NAME = "unbg-cut-outs.zip"


class BatchList:
    def __init__(self, root, store, service, layers) -> None:
        self._root = root
        self._store = store
        self._service = service  # core.cut_service.CutService
        self._layers = layers  # the editor's layers: the open item's file comes from them
        self._list = dom.find("[data-testid=batch-list]", root)
        self._count = dom.find("[data-testid=batch-count]", root)
        self._bar = dom.find("[data-testid=batch-progress]", root)
        self._eta = dom.find("[data-testid=batch-eta]", root)
        self._zip_button = dom.find("[data-testid=download-zip]", root)
        self._cancel = dom.find("[data-testid=batch-cancel]", root)
        self._downloads = dom.Downloads(dom.find("[data-testid=batch-link]", root), root, "downloads")
        self._rows: dict[int, object] = {}  # item id → its <li>, updated in place (focus stays put)
        self._started_at = None  # when the photos being worked through began
        self._finished_before = 0  # photos already finished then: the pace counts only the new ones
        events = self._events = dom.Disposables()
        events.listen(self._list, "click", self._on_click)
        events.listen(self._cancel, "click", lambda event: self._cancel_rest())
        events.listen(self._zip_button, "click", lambda event: asyncio.ensure_future(self._download_zip()))
        events.add(store.subscribe(self._render))

    # -- rendering -----------------------------------------------------------
    def _render(self, state: dict) -> None:
        rows = state["items"]
        dom.show(self._root, len(rows) > 1)
        ids = {row["id"] for row in rows}
        for item_id in [item_id for item_id in self._rows if item_id not in ids]:
            self._rows.pop(item_id).remove()
        for row in rows:
            element = self._rows.get(row["id"]) or self._new_row(row)
            self._update_row(element, row, state["open_item"] == row["id"])
        finished = sum(row["status"] in ("done", "failed", "cancelled") for row in rows)
        done = sum(row["status"] == "done" for row in rows)
        failed = sum(row["status"] == "failed" for row in rows)
        working = any(row["status"] in ("queued", "running") for row in rows)
        if working and self._started_at is None:
            self._started_at, self._finished_before = dom.now_ms(), finished
        elif not working:
            self._started_at = None
        self._count.textContent = f"{done} / {len(rows)} done" + (f" · {failed} failed" if failed else "")
        self._bar.value = finished / len(rows) if rows else 0
        self._eta.textContent = self._time_left(finished, len(rows)) if working else ""
        dom.show(self._cancel, working)
        self._zip_button.disabled = done == 0
        self._zip_button.textContent = f"Download all ({done}) as ZIP"

    def _time_left(self, finished: int, total: int) -> str:
        elapsed = (dom.now_ms() - self._started_at) / 1000
        return time_left_label(time_left(finished - self._finished_before, total - self._finished_before, elapsed))

    def _new_row(self, row: dict):
        element = dom.create("li", self._list, data_testid="batch-item", data_id=str(row["id"]))
        picture = dom.create("span", element, **{"class": "batch-thumb"})
        dom.create("img", picture, alt="", hidden="")
        dom.create("span", element, text=row["name"], **{"class": "batch-name"})
        dom.create("span", element, **{"class": "batch-status"})
        dom.create("span", element, data_testid="batch-error", **{"class": "batch-error"})
        actions_box = dom.create("span", element, **{"class": "batch-actions"})
        for action, label in (("open", "Open"), ("download", "Download"), ("retry", "Retry"), ("remove", "Remove")):
            dom.create("button", actions_box, text=label, type="button", data_action=action,
                       data_testid=f"batch-{action}", aria_label=f"{label} {row['name']}", **{"class": "link-button"})
        self._rows[row["id"]] = element
        return element

    def _update_row(self, element, row: dict, is_open: bool) -> None:
        status = row["status"]
        element.dataset.status, element.dataset.name = status, row["name"]
        element.classList.toggle("open", is_open)
        image = dom.find("img", element)
        if row["thumbnail"] and image.getAttribute("src") != row["thumbnail"]:
            image.src = row["thumbnail"]
        dom.show(image, bool(row["thumbnail"]))
        words = STATUS_WORDS[status]
        if status == "done" and row["width"]:
            words += f" · {row['width']} × {row['height']}" + (" · edited" if row["edited"] else "")
        dom.find(".batch-status", element).textContent = "In the editor" if is_open else words
        error = dom.find("[data-testid=batch-error]", element)
        error.textContent = row["error"] or "" if status in ("failed", "cancelled") else ""
        dom.show(error, status in ("failed", "cancelled"))
        for action, visible in (("open", status == "done" and not is_open), ("download", status == "done"),
                                ("retry", status in ("failed", "cancelled")), ("remove", True)):
            dom.show(dom.find(f"[data-action={action}]", element), visible)

    # -- what the person does ----------------------------------------------
    def _on_click(self, event) -> None:
        button = event.target.closest("button[data-action]")
        if button is None:
            return
        item_id = int(button.closest("li").dataset.id)
        action = button.dataset.action
        if action == "open":
            asyncio.ensure_future(self._open(item_id))
        elif action == "download":
            asyncio.ensure_future(self._download_item(item_id))
        elif action == "retry":
            self._service.retry(item_id)
        elif action == "remove":
            self._service.remove(item_id)

    async def _open(self, item_id: int) -> None:
        await self._service.close_editor()  # the item in the editor keeps its edits first
        self._service.open(item_id)

    def _cancel_rest(self) -> None:
        self._service.cancel_rest()

    def _options(self) -> dict:
        return actions.export_options(self._store.state)

    async def _download_item(self, item_id: int) -> None:
        item = self._service.item(item_id)
        options = self._options()
        is_open = self._store.get("open_item") == item_id
        self._save(await item_file(item, options, self._layers if is_open else None), output_name(item.name, options["format"]))
        self._service.downloaded([item_id])

    async def _download_zip(self) -> None:
        items = [item for item in self._service.items() if item.status == "done"]
        if items:
            self._save(await batch_zip(items, self._options(), self._store.get("open_item"), self._layers), ZIP_NAME)
            self._service.downloaded([item.id for item in items])

    def _save(self, blob, name: str) -> None:
        self._downloads.save(blob, name)

    def dispose(self) -> None:
        self._events.dispose()
