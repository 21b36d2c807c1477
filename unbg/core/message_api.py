"""The programmatic interface: ``unbg:cut`` messages in, progress, result or error out.

The web port turns window messages into dicts (``image`` a Blob) and sends the replies; this
module decides what a message asks for and runs it through the shared queue.
"""

from __future__ import annotations

import asyncio
from typing import Callable

from .engine import CutOptions
from .errors import BadInput, UnbgError, error_code
from .jobs import JobQueue
from .models import DEFAULT_MODEL, view_count

API = "api"
Reply = Callable[[dict], None]


def cut_options(options: dict | None) -> CutOptions:
    """The job's options from a message's ``options``; BadInput names what is wrong."""
    options = options or {}
    return CutOptions(model=options.get("model") or DEFAULT_MODEL, views=view_count(bool(options.get("best"))),
                      output=options.get("output") or "cutout")


class MessageApi:
    def __init__(self, queue: JobQueue) -> None:
        self._queue = queue

    def handle(self, message: dict, reply: Reply) -> None:
        """Answer one ``unbg:cut`` message; every reply carries the message's ``id``."""
        job_id = message.get("id")
        send = lambda fields: reply({"id": job_id, **fields})
        try:
            options = cut_options(message.get("options"))
            if message.get("image") is None:
                raise BadInput("The message has no image: send a Blob or an ArrayBuffer as 'image'.")
        except UnbgError as error:
            send({"type": "unbg:error", "code": error_code(error), "message": str(error)})
            return
        progress = lambda stage, value=None: send({"type": "unbg:progress", "stage": stage, "value": value})
        job = self._queue.submit(message["image"], options, source=API, name=f"message {job_id}", progress=progress)
        asyncio.ensure_future(self._answer(job, send))

    async def _answer(self, job, send: Reply) -> None:
        await job.outcome()
        if job.status == "done":
            result = job.result
            send({"type": "unbg:result", "blob": result.file, "width": result.width, "height": result.height,
                  "timings": result.timings})
        else:
            send({"type": "unbg:error", "code": error_code(job.error), "message": str(job.error)})
