"""The app's state: plain data only. What happens once (zoom, export, cancel) is a call, not state."""

from __future__ import annotations

from .models import DEFAULT_MODEL

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
        "model_backend": None,  # where that session runs: "webgpu" or "wasm"
        "prewarmed": (),  # the models asked to load before any photo needed them (a drag, a cached model)
        "model_damaged": None,  # the model whose saved copy failed its check and is fetched again
        "model_load_ms": None,  # how long it took: {"read_ms": bytes from cache or network, "session_ms"}
        "stage": None,  # one of STAGES while a page job runs
        "job_name": None,
        "running_job": None,  # id of the page job being cut out
        "preview": False,  # a quick low-resolution cut-out is shown while the full pass runs
        "previews_shown": 0,
        "result": None,  # dict(job, name, model, views, width, height, timings) of the last cut-out
        "error": None,  # a message a person can act on
        "error_retry": False,  # whether the error is the model's download: a Retry is offered
        "jobs_done": 0,  # finished page jobs, successful or not: what tests wait on
        "items": (),  # the batch list: a dict per photo (id, name, status, error, thumbnail, width, height, edited)
        "open_item": None,  # the id of the item in the editor
        "host_jobs": (),  # the widget's host page's recent unbg:cut jobs (core.message_api rows)
        # The editor
        "tool": "compare",  # compare | erase | restore
        "brush_size": 40,  # diameter in screen pixels: the brush looks the same at any zoom
        "hardness": 0.5,
        "split": 0.5,  # compare slider: fraction of the frame's width showing the original
        "frame_size": None,  # (width, height) of the editor's frame in CSS pixels, once laid out
        "view": None,  # viewport.View of the photo in the frame
        "fitted": True,  # the view follows the frame's size until the person zooms or pans
        "strokes": (),  # BrushStroke history applied on the model's mask
        "redo": (),
        # Export
        "export_format": "png",  # png | webp | jpeg | mask
        "background": "#ffffff",  # for JPEG (no alpha) and the compare view's backdrop
        "crop": False,
        "crop_margin": 5,  # % of the subject's size
    }
