"""The page's own jobs: photos picked, dropped or pasted go through the shared queue,
and the store hears how each one went."""

from __future__ import annotations

from typing import Any, Callable

from . import actions
from .engine import CutOptions, Engine
from .jobs import Job, JobQueue
from .models import view_count
from .store import Store

PAGE = "page"


class CutService:
    """Submits the page's photos, prewarms the model, cancels; ``show_result(pixels)`` and
    ``show_preview(image)`` hand the engine's pixels to the editor's layers."""

    def __init__(self, store: Store, queue: JobQueue, engine: Engine,
                 show_result: Callable[[Any], None], show_preview: Callable[[Any], None]) -> None:
        self._store = store
        self._queue = queue
        self._engine = engine
        self._show_result = show_result
        self._show_preview = show_preview
        self._prewarm_wanted = False
        self._prewarmed: set[str] = set()
        engine.on_model_progress = lambda fraction: actions.model_progress(store, fraction)
        engine.on_model_ready = lambda model, load_ms: actions.model_ready(store, model, load_ms)
        self._stop = [queue.listen(self._on_job), store.subscribe(self._on_state)]

    def add_files(self, files: list, names: list[str]) -> list[Job]:
        """Queue photos (opaque handles, e.g. browser File objects) with the page's settings."""
        if not files:
            return []
        self.prewarm()
        state = self._store.state
        options = CutOptions(state["model"], view_count(state["best"]), output="editor", preview=True)
        return [self._queue.submit(file, options, source=PAGE, name=name, progress=self._progress)
                for file, name in zip(files, names)]

    def cancel(self) -> None:
        """Cancel the page job that is running (the Cancel button)."""
        job_id = self._store.get("running_job")
        if job_id is not None:
            self._queue.cancel(job_id)

    def prewarm(self) -> None:
        """Someone is about to give us a photo: load the chosen model (and any chosen later)."""
        self._prewarm_wanted = True
        self._prewarm(self._store.get("model"))

    async def warm_start(self) -> None:
        """A returning visitor has the model cached: have it ready before the first photo."""
        model = self._store.get("model")
        if model not in self._prewarmed and await self._engine.is_cached(model):
            self._prewarm(model)

    def _prewarm(self, model: str) -> None:
        if model not in self._prewarmed:
            self._prewarmed.add(model)
            self._engine.prewarm(model)

    def _on_state(self, state: dict) -> None:
        if self._prewarm_wanted:
            self._prewarm(state["model"])

    def _progress(self, stage: str, value: Any = None) -> None:
        running = self._queue.running
        if running is None or running.abort.aborted:
            return  # a cancelled job's engine winds down quietly
        if stage == "preview":
            self._show_preview(value)
            actions.preview_shown(self._store)
        else:
            actions.stage_changed(self._store, stage)

    def _on_job(self, job: Job) -> None:
        if job.source != PAGE:
            return
        store = self._store
        if job.status == "running":
            actions.job_started(store, job.id, job.name)
        elif job.status == "done":
            pixels, job.result = job.result, None  # the layers own the pixels from now on
            self._show_result(pixels)
            actions.job_done(store, {"job": job.id, "name": job.name, "model": job.options.model,
                                     "views": job.options.views, "width": pixels.width, "height": pixels.height,
                                     "timings": dict(pixels.timings)})
        elif job.status == "failed":
            actions.job_failed(store, str(job.error))
        elif job.status == "cancelled":
            actions.job_cancelled(store, was_running=store.get("running_job") == job.id)

    def dispose(self) -> None:
        for stop in self._stop:
            stop()
