"""The page's photos: each one picked, dropped or pasted is an item of the batch list and a
job of the shared queue; the store hears how each one went.

A photo added on its own is cut for the editor (with a quick preview) and opens there.
Photos added together are a batch: each is cut to a PNG and a thumbnail, and only those
stay (the full-size pixels go); opening one in the editor cuts it again from its file.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

from . import actions
from .engine import CutOptions, Engine
from .errors import ModelLoadError
from .jobs import Job, JobQueue
from .models import view_count
from .store import Store

PAGE = "page"
THUMBNAIL_SIZE = 96  # px, the long side of a batch item's picture


@dataclass(eq=False)
class Item:
    id: int
    name: str
    file: Any  # the person's file (a browser File): what a retry or the editor cuts again
    for_editor: bool  # added on its own: opens in the editor when done
    status: str = "queued"  # queued | running | done | failed | cancelled
    error: str | None = None
    job: Job | None = None
    png: Any = None  # the cut-out with the edits as a PNG; None while it exists only in the editor
    thumbnail: str | None = None  # a URL of a small picture of the cut-out
    width: int | None = None
    height: int | None = None
    strokes: tuple = ()  # the edits, kept so that reopening the item can still undo them
    downloaded: tuple | None = None  # the edits its last download had; None: never downloaded
    model_failed: bool = False  # it failed because the model could not be loaded: a Retry may work

    def row(self) -> dict:
        """What the batch list shows of it: plain data for the store."""
        return {"id": self.id, "name": self.name, "status": self.status, "error": self.error, "thumbnail": self.thumbnail,
                "edited": bool(self.strokes), "width": self.width, "height": self.height}


class CutService:
    """Adds, retries, removes, opens and cancels the page's photos.

    ``show_result(pixels)`` and ``show_preview(image)`` hand the engine's pixels to the editor's
    layers; ``save_edits()`` gives the open item's cut-out, with its edits, as a PNG.
    """

    def __init__(self, store: Store, queue: JobQueue, engine: Engine, show_result: Callable[[Any], Awaitable[None]],
                 show_preview: Callable[[Any], None], save_edits: Callable[[], Awaitable[Any]]) -> None:
        self._store = store
        self._queue = queue
        self._engine = engine
        self._show_result = show_result
        self._show_preview = show_preview
        self._save_edits = save_edits
        self._items: dict[int, Item] = {}
        self._by_job: dict[int, Item] = {}
        self._next_id = 1
        self._prewarm_wanted = False
        self._prewarmed: set[str] = set()
        engine.on_model_progress = lambda fraction: actions.model_progress(store, fraction)
        engine.on_model_ready = lambda model, load_ms, backend: actions.model_ready(store, model, load_ms, backend)
        engine.on_model_damaged = lambda model: actions.model_damaged(store, model)
        self._stop = [queue.listen(self._on_job), store.subscribe(self._on_state)]

    # -- what the page asks for ----------------------------------------------
    def add_files(self, files: list, names: list[str]) -> list[Item]:
        """Queue photos (opaque handles, e.g. browser File objects) with the page's settings."""
        if not files:
            return []
        self.prewarm()
        items = []
        for file, name in zip(files, names):
            item = Item(self._next_id, name, file, for_editor=len(files) == 1)
            self._next_id += 1
            self._items[item.id] = item
            items.append(item)
            self._submit(item)
        self._publish()
        return items

    def items(self) -> list[Item]:
        return list(self._items.values())

    def item(self, item_id: int) -> Item | None:
        return self._items.get(item_id)

    def retry(self, item_id: int) -> None:
        """Cut a failed or cancelled item again."""
        item = self._items.get(item_id)
        if item is not None and item.status in ("failed", "cancelled"):
            item.status, item.error = "queued", None
            self._submit(item)
            self._publish()

    def retry_model_failures(self) -> None:
        """The banner's Retry after the model failed to load: every photo that failed on it runs again."""
        actions.error_dismissed(self._store)
        for item in list(self._items.values()):
            if item.model_failed and item.status == "failed":
                self.retry(item.id)

    def remove(self, item_id: int) -> None:
        """Take an item out of the list (and out of the queue if it has not run yet)."""
        item = self._items.pop(item_id, None)
        if item is None:
            return
        if item.job is not None and item.status in ("queued", "running"):
            self._queue.cancel(item.job.id)
        if self._store.get("open_item") == item_id:
            actions.editor_closed(self._store)
        self._publish()

    def cancel(self) -> None:
        """Cancel the photo being cut (the progress bar's Cancel)."""
        running = self._queue.running
        if running is not None and running.id in self._by_job:
            self._queue.cancel(running.id)

    def cancel_rest(self) -> int:
        """Stop the photo being cut and take the photos still waiting out of the list; how many went."""
        waiting = [item for item in self._items.values() if item.status == "queued"]
        for item in waiting:
            self._items.pop(item.id)
            self._queue.cancel(item.job.id)
        self.cancel()
        self._publish()
        return len(waiting)

    def open(self, item_id: int) -> None:
        """Edit a finished item: it is cut again from its file (its PNG is all that was kept)."""
        item = self._items.get(item_id)
        if item is None or item.status != "done" or self._store.get("open_item") == item_id:
            return
        item.for_editor = True  # its status stays done: its PNG is still there meanwhile
        self._submit(item)
        self._publish()

    async def close_editor(self) -> None:
        """Back to the list: the open item keeps its edits, and its PNG has them."""
        await self._park()
        actions.editor_closed(self._store)

    async def _park(self) -> None:
        item = self._items.get(self._store.get("open_item"))
        if item is not None and (item.png is None or self._store.get("strokes") != item.strokes):
            item.png, item.strokes = await self._save_edits(), self._store.get("strokes")
            self._publish()

    def _edits(self, item: Item) -> tuple:
        return self._store.get("strokes") if self._store.get("open_item") == item.id else item.strokes

    def downloaded(self, item_ids: list[int]) -> None:
        """These items were just downloaded, with their edits as they are now."""
        for item_id in item_ids:
            item = self._items.get(item_id)
            if item is not None:
                item.downloaded = self._edits(item)

    def unsaved_edits(self) -> bool:
        """Whether leaving now would lose edits: an item edited since it was last downloaded."""
        for item in self._items.values():
            edits = self._edits(item)
            if edits and edits != item.downloaded:
                return True
        return False

    def prewarm(self) -> None:
        """Someone is about to give us a photo: load the chosen model (and any chosen later)."""
        self._prewarm_wanted = True
        self._prewarm(self._store.get("model"))

    async def warm_start(self) -> None:
        """A returning visitor has the model cached: have it ready before the first photo."""
        model = self._store.get("model")
        if model not in self._prewarmed and await self._engine.is_cached(model):
            self._prewarm(model)

    # -- inside --------------------------------------------------------------
    def _prewarm(self, model: str) -> None:
        if model not in self._prewarmed:
            self._prewarmed.add(model)
            self._store.set(prewarmed=tuple(sorted(self._prewarmed)))
            self._engine.prewarm(model)

    def _on_state(self, state: dict) -> None:
        if self._prewarm_wanted:
            self._prewarm(state["model"])

    def _submit(self, item: Item) -> None:
        state = self._store.state
        output = "editor" if item.for_editor else "cutout"
        options = CutOptions(state["model"], view_count(state["best"]), output=output, preview=item.for_editor,
                             thumbnail=THUMBNAIL_SIZE)
        # Reopening a finished photo goes before the batch's waiting ones: someone wants it now.
        item.job = self._queue.submit(item.file, options, source=PAGE, name=item.name, progress=self._progress,
                                      first=item.status == "done")
        self._by_job[item.job.id] = item

    def _progress(self, stage: str, value: Any = None) -> None:
        running = self._queue.running
        if running is None or running.abort.aborted or running.id not in self._by_job:
            return  # a cancelled job's engine winds down quietly
        if stage == "preview":
            self._show_preview(value)
            actions.preview_shown(self._store)
        else:
            actions.stage_changed(self._store, stage)

    def _publish(self) -> None:
        actions.items_changed(self._store, tuple(item.row() for item in self._items.values()))

    def _on_job(self, job: Job) -> None:
        item = self._by_job.get(job.id)
        if item is None:
            return  # not the page's (the message API's)
        if job.status in ("done", "failed", "cancelled"):
            del self._by_job[job.id]
        store = self._store
        kept = item.png is not None  # a finished item cut again for the editor stays done whatever happens
        if job.status == "running":
            item.status = item.status if kept else "running"
            actions.job_started(store, job.id, job.name)
            if item.for_editor and store.get("open_item") not in (None, item.id):
                # The photo in the editor goes back to the list (its edits in its PNG) while this one is
                # cut: its full-size canvases would otherwise stay beside the new cut's (measured at
                # 12 MP: a second photo peaked at 1.88 GB, the first at 1.46 GB).
                asyncio.ensure_future(self.close_editor())
        elif job.status == "done" and item.for_editor:
            pixels, job.result = job.result, None  # the layers own the pixels from now on
            item.status, item.for_editor = "done", False
            item.thumbnail, item.width, item.height = pixels.thumbnail, pixels.width, pixels.height
            asyncio.ensure_future(self._open_result(item, job, pixels))
        elif job.status == "done":
            result, job.result = job.result, None
            item.status, item.png, item.thumbnail = "done", result.file, result.thumbnail
            item.width, item.height = result.width, result.height
            actions.job_ended(store, job.id)
        elif job.status == "failed":
            item.model_failed = isinstance(job.error, ModelLoadError)
            if not kept:
                item.status, item.error = "failed", str(job.error)
            actions.job_ended(store, job.id, error=f"{item.name}: {job.error}" if len(self._items) > 1 else str(job.error),
                              retry=item.model_failed)
        elif job.status == "cancelled":
            if not kept:
                item.status, item.error = "cancelled", "Cancelled: Retry cuts it out."
            actions.job_ended(store, job.id)
        self._publish()

    async def _open_result(self, item: Item, job: Job, pixels) -> None:
        """Show a cut made for the editor, once the item it replaces has kept its edits."""
        await self._park()
        await self._show_result(pixels)
        options = job.options
        actions.job_done(self._store, {"item": item.id, "name": item.name, "model": options.model, "views": options.views,
                                       "width": pixels.width, "height": pixels.height, "timings": dict(pixels.timings),
                                       "notes": pixels.notes},
                         strokes=item.strokes)
        actions.job_ended(self._store, job.id)

    def dispose(self) -> None:
        for stop in self._stop:
            stop()
