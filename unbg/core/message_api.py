"""The programmatic interface: ``unbg:cut`` and ``unbg:cancel`` messages in; progress, result or
error out. The web port turns window messages from allowed origins into dicts and sends the
replies; this module checks what a message asks for and runs it through the shared queue.
"""

from __future__ import annotations

import asyncio
from typing import Callable

from .engine import OUTPUTS, CutOptions
from .errors import BadRequest, UnbgError, error_code
from .jobs import Job, JobQueue
from .models import DEFAULT_MODEL, MODEL_SIZE, MODELS, WORKING_SIZES, is_working_size, view_count

API = "api"
MAX_ID_LENGTH = 100
MAX_IMAGE_BYTES = 256 * 2**20  # a 200 MP phone photo is about 100 MB as a HEIC
OPTION_NAMES = ("model", "output", "best", "size")
THUMBNAIL_SIZE = 96  # px: the widget shows the host what it sent back
RECENT = 5  # finished jobs the widget still shows
FINISHED = ("done", "failed", "cancelled")
Reply = Callable[[dict], None]


def cut_options(options, default_model: str = DEFAULT_MODEL) -> CutOptions:
    """The job's options from a message's ``options``; BadRequest names what is wrong."""
    if options is None:
        options = {}
    if not isinstance(options, dict):
        raise BadRequest("'options' must be an object.")
    unknown = sorted(set(options) - set(OPTION_NAMES))
    if unknown:
        raise BadRequest(f"Unknown option {unknown[0]!r}: the options are {', '.join(OPTION_NAMES)}.")
    model = options.get("model") or default_model
    output = options.get("output") or "cutout"
    best = options.get("best") or False
    if model not in MODELS:
        raise BadRequest(f"Unknown model {model!r}: use {' or '.join(repr(name) for name in MODELS)}.")
    if output not in OUTPUTS or output == "editor":
        raise BadRequest(f"Unknown output {output!r}: ask for 'cutout' or 'mask'.")
    if not isinstance(best, bool):
        raise BadRequest("'best' must be true or false.")
    size = options.get("size", MODEL_SIZE)
    if not is_working_size(size):
        raise BadRequest(f"'size' must be {WORKING_SIZES}.")
    return CutOptions(model=model, views=view_count(best), output=output, thumbnail=THUMBNAIL_SIZE, size=size)


class MessageApi:
    """``on_activity(rows)`` hears of every change to the jobs senders asked for (the widget shows them);
    ``default_model`` is the page's (the one that runs on its GPU, if it has one)."""

    def __init__(self, queue: JobQueue, on_activity: Callable[[tuple], None] = lambda rows: None,
                 default_model: str = DEFAULT_MODEL) -> None:
        self._queue = queue
        self._default_model = default_model
        self._jobs: dict[tuple[str, str], Job] = {}  # (sender's origin, id) → its job, while it is not finished
        self._activity: dict[int, dict] = {}  # queue job id → what the widget shows of it, oldest first
        self._on_activity = on_activity

    def handle(self, message: dict, reply: Reply, origin: str = "") -> None:
        """Answer one message from ``origin``; every reply carries the message's ``id``."""
        job_id = message.get("id")
        send = lambda fields: reply({"id": job_id, **fields})
        try:
            if not isinstance(job_id, str) or not 0 < len(job_id) <= MAX_ID_LENGTH:
                raise BadRequest(f"'id' must be a string of 1 to {MAX_ID_LENGTH} characters.")
            if message.get("type") == "unbg:cancel":
                self._cancel(origin, job_id)
                return
            if message.get("type") != "unbg:cut":
                raise BadRequest(f"Unknown message type {message.get('type')!r}: send 'unbg:cut' or 'unbg:cancel'.")
            options = cut_options(message.get("options"), self._default_model)
            if message.get("image") is None:
                raise BadRequest("The message has no image: send a Blob or an ArrayBuffer as 'image'.")
            if message.get("image_bytes", 0) > MAX_IMAGE_BYTES:
                raise BadRequest(f"The image is over {MAX_IMAGE_BYTES // 2**20} MB: send a smaller file.")
            if (origin, job_id) in self._jobs:
                raise BadRequest(f"A job with the id {job_id!r} is still running: choose another id.")
        except UnbgError as error:
            send({"type": "unbg:error", "code": error_code(error), "message": str(error)})
            return
        def progress(stage: str, value=None) -> None:
            self._show(job, status="running", stage=stage)
            send({"type": "unbg:progress", "stage": stage, "value": value})

        job = self._queue.submit(message["image"], options, source=API, name=f"message {job_id}", progress=progress)
        self._jobs[(origin, job_id)] = job
        self._show(job, id=job_id, status="queued")
        asyncio.ensure_future(self._answer(origin, job_id, job, send))

    def _show(self, job: Job, **changes) -> None:
        row = self._activity.setdefault(job.id, {"job": job.id, "stage": None, "width": None, "height": None,
                                                 "thumbnail": None, "error": None})
        row.update(changes)
        finished = [key for key, shown in self._activity.items() if shown["status"] in FINISHED]
        for key in finished[:-RECENT]:
            del self._activity[key]
        self._on_activity(tuple(dict(shown) for shown in self._activity.values()))

    def _cancel(self, origin: str, job_id: str) -> None:
        """Cancel a job this origin sent; its own reply (an ``unbg:error`` ``cancelled``) follows."""
        job = self._jobs.get((origin, job_id))
        if job is None:
            raise BadRequest(f"No job {job_id!r} is waiting or running.")
        self._queue.cancel(job.id)

    async def _answer(self, origin: str, job_id: str, job: Job, send: Reply) -> None:
        await job.outcome()
        del self._jobs[(origin, job_id)]
        if job.status == "done":
            result, job.result = job.result, None
            self._show(job, status="done", width=result.width, height=result.height, thumbnail=result.thumbnail)
            reply = {"type": "unbg:result", "blob": result.file, "width": result.width, "height": result.height,
                     "timings": result.timings}
            if result.scaled_from:
                reply["scaled_from"] = list(result.scaled_from)
            if result.notes:
                reply["notes"] = list(result.notes)
            send(reply)
        else:
            self._show(job, status="cancelled" if job.status == "cancelled" else "failed", error=str(job.error))
            send({"type": "unbg:error", "code": error_code(job.error), "message": str(job.error)})
