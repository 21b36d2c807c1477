"""The app's state and the named actions that change it. Components only dispatch these."""

from __future__ import annotations

from .models import DEFAULT_MODEL, MODELS
from .store import Store

STAGES = ("model", "decode", "inference", "encode")
STAGE_LABELS = {
    "model": "Downloading the model",
    "decode": "Reading the photo",
    "inference": "Finding the subject",
    "encode": "Preparing the PNG",
}


def initial_state() -> dict:
    return {
        "page": "loading",  # loading | ready | busy | error, mirrored on <html data-state>
        "model": DEFAULT_MODEL,
        "model_progress": None,  # 0..1 while the model downloads
        "stage": None,  # one of STAGES while a job runs
        "job_name": None,
        "original_url": None,
        "result": None,  # dict(url, name, width, height, timings) of the last cut-out
        "error": None,  # a message a person can act on
        "jobs_done": 0,  # finished jobs, successful or not: what tests wait on
        "queue": (),  # files waiting, as dicts(id, name, file), worked through in order
        "next_id": 1,
        "prewarm": False,  # someone is about to give us a photo: start loading the model
    }


def create_store() -> Store:
    return Store(**initial_state())


def page_ready(store: Store) -> None:
    store.set(page="ready")


def choose_model(store: Store, name: str) -> None:
    if name in MODELS:
        store.set(model=name)


def prewarm_requested(store: Store) -> None:
    store.set(prewarm=True)


def files_added(store: Store, files: list, names: list[str]) -> None:
    """Queue ``files`` (opaque handles, e.g. browser File objects) under their ``names``."""
    if not files:
        return
    first = store.get("next_id")
    jobs = tuple({"id": first + i, "name": name, "file": file} for i, (file, name) in enumerate(zip(files, names)))
    with store.batch():
        store.set(queue=store.get("queue") + jobs, next_id=first + len(jobs), prewarm=True)


def next_job(store: Store) -> dict | None:
    """Take the first queued job, or None when the queue is empty."""
    queue = store.get("queue")
    if not queue:
        return None
    store.set(queue=queue[1:])
    return queue[0]


def job_started(store: Store, name: str, original_url: str) -> None:
    with store.batch():
        store.set(page="busy", job_name=name, original_url=original_url, error=None, result=None, stage="decode")


def stage_changed(store: Store, stage: str) -> None:
    store.set(stage=stage)


def model_progress(store: Store, fraction: float | None) -> None:
    store.set(model_progress=None if fraction is None else round(min(max(fraction, 0.0), 1.0), 3))


def job_done(store: Store, result: dict) -> None:
    with store.batch():
        store.set(page="ready", stage=None, result=result, jobs_done=store.get("jobs_done") + 1)


def job_failed(store: Store, message: str) -> None:
    with store.batch():
        store.set(page="error", stage=None, error=message, jobs_done=store.get("jobs_done") + 1)
