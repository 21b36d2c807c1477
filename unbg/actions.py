"""The app's state and the named actions that change it. Components only dispatch these."""

from __future__ import annotations

from . import history
from .brush import BrushStroke
from .models import DEFAULT_MODEL, MODELS
from .store import Store
from .viewport import View, clamp_split

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
        "best": False,  # best edges: the model also sees the photo mirrored (twice the time)
        "model_progress": None,  # 0..1 while the model downloads
        "model_ready": None,  # the model whose session was created last
        "model_load_ms": None,  # how long it took: {"read_ms": bytes from cache or network, "session_ms"}
        "stage": None,  # one of STAGES while a job runs
        "job_name": None,
        "result": None,  # dict(cutout, name, model, width, height, timings) of the last cut-out
        "error": None,  # a message a person can act on
        "jobs_done": 0,  # finished jobs, successful or not: what tests wait on
        "queue": (),  # files waiting, as dicts(id, name, file), worked through in order
        "next_id": 1,
        "prewarm": False,  # someone is about to give us a photo: start loading the model
        "running_job": None,  # id of the job being cut out
        "preview": None,  # a quick low-resolution cut-out (ImageData) shown while the full pass runs
        "cancelled_job": None,  # id of the job the person cancelled
        # The editor
        "tool": "compare",  # compare | erase | restore
        "brush_size": 40,  # diameter in screen pixels: the brush looks the same at any zoom
        "hardness": 0.5,
        "split": 0.5,  # compare slider: fraction of the frame's width showing the original
        "view": None,  # viewport.View, set once the frame knows its size
        "zoom_command": (0, None),  # (count, factor): a zoom button; factor None fits
        "strokes": (),  # BrushStroke history applied on the model's mask
        "redo": (),
        # Export
        "export_format": "png",  # png | webp | jpeg | mask
        "background": "#ffffff",  # for JPEG (no alpha) and the compare view's backdrop
        "crop": False,
        "crop_margin": 5,  # % of the subject's size
        "export_requests": 0,
        "exports_done": 0,
        "export": None,  # dict(url, name) of the last export
    }


def create_store() -> Store:
    return Store(**initial_state())


def page_ready(store: Store) -> None:
    store.set(page="ready")


def choose_model(store: Store, name: str) -> None:
    if name in MODELS:
        store.set(model=name)


def choose_best(store: Store, on: bool) -> None:
    store.set(best=bool(on))


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


def job_started(store: Store, job_id: int, name: str) -> None:
    with store.batch():
        store.set(page="busy", running_job=job_id, job_name=name, error=None, stage="decode", preview=None)


def preview_ready(store: Store, image) -> None:
    store.set(preview=image)


def cancel_job(store: Store) -> None:
    if store.get("running_job") is not None:
        store.set(cancelled_job=store.get("running_job"))


def job_cancelled(store: Store) -> None:
    with store.batch():
        store.set(page="ready", stage=None, running_job=None, preview=None, jobs_done=store.get("jobs_done") + 1)


def stage_changed(store: Store, stage: str) -> None:
    store.set(stage=stage)


def model_progress(store: Store, fraction: float | None) -> None:
    store.set(model_progress=None if fraction is None else round(min(max(fraction, 0.0), 1.0), 3))


def model_ready(store: Store, model: str, load_ms: dict | None = None) -> None:
    store.set(model_ready=model, model_load_ms=load_ms)


def job_done(store: Store, result: dict) -> None:
    """A new cut-out: its edits and view start fresh."""
    with store.batch():
        store.set(page="ready", stage=None, running_job=None, preview=None, result=result, strokes=(), redo=(), view=None,
                  split=0.5, export=None, jobs_done=store.get("jobs_done") + 1)


def job_failed(store: Store, message: str) -> None:
    with store.batch():
        store.set(page="error", stage=None, running_job=None, preview=None, error=message, jobs_done=store.get("jobs_done") + 1)


def set_tool(store: Store, tool: str) -> None:
    if tool in ("compare", "erase", "restore"):
        store.set(tool=tool)


def set_brush(store: Store, size: float | None = None, hardness: float | None = None) -> None:
    changes = {}
    if size is not None:
        changes["brush_size"] = min(max(int(size), 2), 400)
    if hardness is not None:
        changes["hardness"] = min(max(float(hardness), 0.0), 1.0)
    store.set(**changes)


def set_split(store: Store, value: float) -> None:
    store.set(split=clamp_split(value))


def set_view(store: Store, view: View) -> None:
    store.set(view=view)


def zoom_step(store: Store, factor: float | None) -> None:
    """Zoom by ``factor`` about the frame's centre, or fit the photo when None."""
    store.set(zoom_command=(store.get("zoom_command")[0] + 1, factor))


def stroke_finished(store: Store, stroke: BrushStroke) -> None:
    strokes, redo = history.add_stroke(store.get("strokes"), store.get("redo"), stroke)
    store.set(strokes=strokes, redo=redo)


def undo_stroke(store: Store) -> None:
    strokes, redo = history.undo(store.get("strokes"), store.get("redo"))
    store.set(strokes=strokes, redo=redo)


def redo_stroke(store: Store) -> None:
    strokes, redo = history.redo(store.get("strokes"), store.get("redo"))
    store.set(strokes=strokes, redo=redo)


def reset_edits(store: Store) -> None:
    """Back to the model's mask (undoable: redo brings the strokes back in order)."""
    store.set(strokes=(), redo=store.get("strokes") + store.get("redo"))


def set_export_options(store: Store, **options) -> None:
    allowed = {"export_format", "background", "crop", "crop_margin"}
    store.set(**{k: v for k, v in options.items() if k in allowed})


def request_export(store: Store) -> None:
    if store.get("result") is not None:
        store.set(export_requests=store.get("export_requests") + 1)


def export_done(store: Store, url: str, name: str) -> None:
    store.set(export={"url": url, "name": name}, exports_done=store.get("exports_done") + 1)
