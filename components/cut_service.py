"""Works through the queue one job at a time (sequential on purpose: memory)."""

from __future__ import annotations

import asyncio

import js

from unbg import actions
from unbg.cancel import CancelToken
from unbg.errors import Cancelled, UnbgError
from unbg.models import view_count


class CutService:
    """Owns the engine. UI jobs come from the store's queue; API jobs call ``cut``."""

    def __init__(self, store, engine) -> None:
        self._store = store
        self._engine = engine
        self._lock = asyncio.Lock()  # one cut at a time, UI and message API alike
        self._draining = False
        self._prewarmed: set[str] = set()
        self._token: CancelToken | None = None
        self._cancelled = None  # resolves when the person cancels the running job
        engine.on_model_progress = lambda fraction: actions.model_progress(store, fraction)
        engine.on_model_ready = lambda model, load_ms: actions.model_ready(store, model, load_ms)
        self._unsubscribe = store.subscribe(self._on_state)

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
        if state["prewarm"]:
            self._prewarm(state["model"])
        if state["queue"] and not self._draining:
            self._draining = True
            asyncio.ensure_future(self._drain())
        if state["cancelled_job"] is not None and state["cancelled_job"] == state["running_job"] and self._token:
            self._token.cancel()
            if not self._cancelled.done():
                self._cancelled.set_result(True)

    async def cut(self, blob, model: str, views: int, output: str, progress):
        """Cut out ``blob`` once no other job runs; raises UnbgError subclasses."""
        async with self._lock:
            return await self._engine.cut(blob, model, views, output, progress)

    async def _cut_pixels(self, blob, model: str, views: int, progress, token: CancelToken):
        async with self._lock:
            token.check()  # cancelled while it waited for its turn
            on_preview = lambda image: token.cancelled or actions.preview_ready(self._store, image)
            return await self._engine.cut_pixels(blob, model, views, progress, token, on_preview)

    async def _drain(self) -> None:
        try:
            while (job := actions.next_job(self._store)) is not None:
                await self._run(job)
        finally:
            self._draining = False

    async def _run(self, job: dict) -> None:
        store = self._store
        self._token = CancelToken()
        self._cancelled = asyncio.get_running_loop().create_future()
        actions.job_started(store, job["id"], job["name"])
        progress = lambda stage, value: actions.stage_changed(store, stage)
        model = store.get("model")
        views = view_count(store.get("best"))
        work = asyncio.ensure_future(self._cut_pixels(job["file"], model, views, progress, self._token))
        # A cancel answers at once; the model finishes its current run in its worker and
        # the next job waits for it, but the page is usable meanwhile.
        await asyncio.wait([work, self._cancelled], return_when=asyncio.FIRST_COMPLETED)
        if self._cancelled.done():
            work.add_done_callback(lambda task: task.cancelled() or task.exception())  # nothing to report
            actions.job_cancelled(store)
            return
        try:
            cutout = work.result()
        except Cancelled:
            actions.job_cancelled(store)
            return
        except UnbgError as error:
            actions.job_failed(store, str(error))
            return
        except Exception as error:  # a bug of ours: say so, keep the app usable
            js.console.error(f"unbg: {job['name']}: {error!r}")
            actions.job_failed(store, f"Something went wrong with {job['name']}. Please try again.")
            return
        actions.job_done(store, {
            "cutout": cutout,
            "name": job["name"],
            "model": model,
            "views": views,
            "width": cutout.width,
            "height": cutout.height,
            "timings": cutout.timings,
        })

    def dispose(self) -> None:
        self._unsubscribe()
