"""Works through the queue one job at a time (sequential on purpose: memory)."""

from __future__ import annotations

import asyncio

import js

from unbg import actions
from unbg.errors import UnbgError
from unbg.naming import output_name

from . import dom


class CutService:
    """Owns the engine. UI jobs come from the store's queue; API jobs call ``cut``."""

    def __init__(self, store, engine) -> None:
        self._store = store
        self._engine = engine
        self._lock = asyncio.Lock()  # one cut at a time, UI and message API alike
        self._draining = False
        self._prewarmed: set[str] = set()
        engine.on_model_progress = lambda fraction: actions.model_progress(store, fraction)
        self._unsubscribe = store.subscribe(self._on_state)

    def _on_state(self, state: dict) -> None:
        if state["prewarm"] and state["model"] not in self._prewarmed:
            self._prewarmed.add(state["model"])
            self._engine.prewarm(state["model"])
        if state["queue"] and not self._draining:
            self._draining = True
            asyncio.ensure_future(self._drain())

    async def cut(self, blob, model: str, output: str, progress):
        """Cut out ``blob`` once no other job runs; raises UnbgError subclasses."""
        async with self._lock:
            return await self._engine.cut(blob, model, output, progress)

    async def _drain(self) -> None:
        try:
            while (job := actions.next_job(self._store)) is not None:
                await self._run(job)
        finally:
            self._draining = False

    async def _run(self, job: dict) -> None:
        store = self._store
        previous = store.state
        dom.revoke_url(previous["original_url"])
        dom.revoke_url((previous["result"] or {}).get("url"))
        actions.job_started(store, job["name"], dom.object_url(job["file"]))
        try:
            result = await self.cut(job["file"], store.get("model"), "cutout", lambda stage, value: actions.stage_changed(store, stage))
        except UnbgError as error:
            actions.job_failed(store, str(error))
            return
        except Exception as error:  # a bug of ours: say so, keep the app usable
            js.console.error(f"unbg: {job['name']}: {error!r}")
            actions.job_failed(store, f"Something went wrong with {job['name']}. Please try again.")
            return
        actions.job_done(store, {
            "url": dom.object_url(result.blob),
            "name": output_name(job["name"], "png"),
            "width": result.width,
            "height": result.height,
            "timings": result.timings,
        })

    def dispose(self) -> None:
        self._unsubscribe()
