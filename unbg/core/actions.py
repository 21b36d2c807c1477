"""The named actions that change the app's state. Components only dispatch these."""

from __future__ import annotations

from . import history
from .backend import WASM
from .brush import BrushStroke
from .models import MODELS
from .state import initial_state
from .store import Store
from .viewport import View, clamp_split, fit, zoom_at


def create_store() -> Store:
    return Store(**initial_state())


def page_ready(store: Store) -> None:
    store.set(page="ready")


def choose_model(store: Store, name: str) -> None:
    if name in MODELS:
        store.set(model=name)


def choose_best(store: Store, on: bool) -> None:
    store.set(best=bool(on))


def apply_url_settings(store: Store, settings: dict) -> None:
    """What the page's URL asked for (core.url_settings, already checked)."""
    store.set(**settings)


# -- the page's jobs ---------------------------------------------------------
def job_started(store: Store, job_id: int, name: str) -> None:
    store.set(page="busy", running_job=job_id, job_name=name, error=None, error_retry=False, stage="decode", preview=False)


def stage_changed(store: Store, stage: str) -> None:
    store.set(stage=stage)


def preview_shown(store: Store) -> None:
    store.set(preview=True, previews_shown=store.get("previews_shown") + 1)


def job_ended(store: Store, job_id: int, error: str | None = None, retry: bool = False) -> None:
    """A page job finished, well or not; the page is ready again unless the next one has started.
    ``retry``: the error was the model's download, which a Retry may get through."""
    with store.batch():
        if store.get("running_job") == job_id:
            store.set(page="error" if error else "ready", stage=None, running_job=None, preview=False)
        if error:
            store.set(error=error, error_retry=retry)
        store.set(jobs_done=store.get("jobs_done") + 1)


def error_dismissed(store: Store) -> None:
    store.set(error=None, error_retry=False, page="ready" if store.get("page") == "error" else store.get("page"))


def job_done(store: Store, result: dict, strokes: tuple = ()) -> None:
    """A new cut-out in the editor: its view starts fresh (fitted to the frame once it is laid out),
    its edits are the item's own (none for a new photo)."""
    with store.batch():
        store.set(result=result, open_item=result.get("item"), strokes=strokes, redo=(), view=None, fitted=True,
                  split=0.5, job_name=result["name"])
        _refit(store)


def editor_closed(store: Store) -> None:
    """Back to the batch list."""
    store.set(result=None, open_item=None, strokes=(), redo=(), view=None, tool="compare")


def items_changed(store: Store, rows: tuple) -> None:
    store.set(items=rows)


def host_jobs_changed(store: Store, rows: tuple) -> None:
    store.set(host_jobs=rows)


def model_progress(store: Store, fraction: float | None) -> None:
    store.set(model_progress=None if fraction is None else round(min(max(fraction, 0.0), 1.0), 3))


def model_ready(store: Store, model: str, load_ms: dict | None = None, backend: str = WASM) -> None:
    store.set(model_ready=model, model_load_ms=load_ms, model_backend=backend)


def model_damaged(store: Store, model: str) -> None:
    store.set(model_damaged=model)


# -- the editor --------------------------------------------------------------
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


def fitted_view(state: dict) -> View | None:
    """The whole photo centred in the frame, or None before both are known."""
    result, frame = state["result"], state["frame_size"]
    if result is None or not frame or not frame[0] or not frame[1]:
        return None
    return fit(frame[0], frame[1], result["width"], result["height"])


def fit_scale(state: dict) -> float:
    view = fitted_view(state)
    return view.scale if view else 1.0


def _refit(store: Store) -> None:
    view = fitted_view(store.state)
    if view is not None:
        store.set(view=view, fitted=True)


def frame_resized(store: Store, width: float, height: float) -> None:
    """The frame was laid out anew: a view the person has not zoomed keeps fitting it."""
    with store.batch():
        store.set(frame_size=(width, height))
        if store.get("fitted"):
            _refit(store)


def set_view(store: Store, view: View) -> None:
    """The person zoomed or panned: the view stops following the frame's size."""
    store.set(view=view, fitted=False)


def zoom_step(store: Store, factor: float | None) -> None:
    """Zoom by ``factor`` about the frame's centre, or fit the photo when None."""
    state = store.state
    if factor is None:
        _refit(store)
    elif state["view"] is not None and state["frame_size"]:
        width, height = state["frame_size"]
        set_view(store, zoom_at(state["view"], factor, width / 2, height / 2, fit_scale(state)))


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


def export_options(state: dict) -> dict:
    """What an export of the current cut-out is made with."""
    return {"format": state["export_format"], "background": state["background"], "crop": state["crop"],
            "margin": state["crop_margin"], "name": state["job_name"] or "image"}
