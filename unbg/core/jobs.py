"""One serial job queue for every cut: the page, the message API, later the batch.

Jobs run one at a time, in the order they were submitted (memory: two full-size cuts
at once would not fit a phone). Any job can be cancelled, queued or running; a failed
job never stops the queue.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Callable

from .engine import AbortSignal, CutOptions, Engine, Progress
from .errors import Cancelled, InternalError, UnbgError

STATUSES = ("queued", "running", "done", "failed", "cancelled")
FINISHED = ("done", "failed", "cancelled")


def _no_progress(stage: str, value: Any = None) -> None:
    pass


@dataclass(eq=False)
class Job:
    """One cut: what to cut, how, where it came from, and how it ended."""

    id: int
    source: str  # page | api | batch | embed
    name: str
    image: Any  # opaque to the queue: a browser Blob or File, or bytes natively
    options: CutOptions
    progress: Progress = _no_progress
    status: str = "queued"
    result: Any = None
    error: UnbgError | None = None
    abort: AbortSignal = field(default_factory=AbortSignal)
    finished: asyncio.Event = field(default_factory=asyncio.Event)

    async def outcome(self) -> "Job":
        """Wait until the job is done, failed or cancelled."""
        await self.finished.wait()
        return self


class JobQueue:
    """Runs submitted jobs through ``engine.cut`` one at a time.

    ``on_change(job)`` hears of every status change. ``report_bug(job, error)`` hears of an
    exception that is not an UnbgError (a bug of ours); the job fails with a plain message.
    """

    def __init__(self, engine: Engine, on_change: Callable[[Job], None] | None = None,
                 report_bug: Callable[[Job, BaseException], None] | None = None) -> None:
        self._engine = engine
        self._listeners: list[Callable[[Job], None]] = [on_change] if on_change else []
        self._report_bug = report_bug or (lambda job, error: None)
        self._waiting: list[Job] = []
        self._running: Job | None = None
        self._draining = False
        self._next_id = 1

    def listen(self, fn: Callable[[Job], None]) -> Callable[[], None]:
        """Call ``fn(job)`` on every status change; returns the way to stop."""
        self._listeners.append(fn)
        return lambda: fn in self._listeners and self._listeners.remove(fn)

    @property
    def running(self) -> Job | None:
        return self._running

    @property
    def waiting(self) -> tuple[Job, ...]:
        return tuple(self._waiting)

    def submit(self, image: Any, options: CutOptions, *, source: str, name: str,
               progress: Progress | None = None, first: bool = False) -> Job:
        """Queue a cut; it starts when every job before it has finished (``first``: it goes
        before the waiting ones, e.g. a photo someone wants to edit now)."""
        job = Job(self._next_id, source, name, image, options, progress or _no_progress)
        self._next_id += 1
        self._waiting.insert(0 if first else len(self._waiting), job)
        self._changed(job)
        if not self._draining:
            self._draining = True
            asyncio.ensure_future(self._drain())
        return job

    def cancel(self, job_id: int) -> bool:
        """Cancel a queued or running job; False if it is unknown or already finished."""
        for job in self._waiting:
            if job.id == job_id:
                self._waiting.remove(job)
                self._finish(job, "cancelled", error=Cancelled("Cancelled."))
                return True
        if self._running is not None and self._running.id == job_id:
            self._running.abort.abort()  # _run answers at once and lets the engine wind down
            return True
        return False

    async def _drain(self) -> None:
        try:
            while self._waiting:
                await self._run(self._waiting.pop(0))
        finally:
            self._draining = False
        self._engine.idle()  # once a run of jobs is over, never between two of them

    async def _run(self, job: Job) -> None:
        self._running = job
        job.status = "running"
        self._changed(job)
        work = asyncio.ensure_future(self._engine.cut(job.image, job.options, job.progress, job.abort))
        aborted = asyncio.ensure_future(job.abort.wait())
        try:
            await asyncio.wait([work, aborted], return_when=asyncio.FIRST_COMPLETED)
        finally:
            aborted.cancel()
        if not work.done():
            # Cancelled while running: the job ends now; the engine finishes its current step
            # (a model run in its worker cannot be interrupted) before the next job starts.
            self._finish(job, "cancelled", error=Cancelled("Cancelled."))
            await asyncio.wait([work])
            error = None if work.cancelled() else work.exception()  # its result no longer matters...
            if error is not None and not isinstance(error, UnbgError):
                self._report_bug(job, error)  # ...but a bug is still a bug
        else:
            self._settle(job, work)
        self._running = None

    def _settle(self, job: Job, work: asyncio.Future) -> None:
        error = work.exception() if not work.cancelled() else Cancelled("Cancelled.")
        if error is None:
            self._finish(job, "done", result=work.result())
        elif isinstance(error, Cancelled):
            self._finish(job, "cancelled", error=error)
        elif isinstance(error, UnbgError):
            self._finish(job, "failed", error=error)
        else:
            self._report_bug(job, error)
            self._finish(job, "failed", error=InternalError(f"Something went wrong with {job.name}. Please try again."))

    def _finish(self, job: Job, status: str, result: Any = None, error: UnbgError | None = None) -> None:
        job.status, job.result, job.error = status, result, error
        self._changed(job)
        job.finished.set()

    def _changed(self, job: Job) -> None:
        for fn in list(self._listeners):
            fn(job)
