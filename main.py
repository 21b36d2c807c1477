"""Wire the store, the engine and the components, then mark the page ready."""

import json

import js

from components import dom
from components.best_toggle import BestToggle
from components.brush_canvas import BrushCanvas
from components.compare_slider import CompareSlider
from components.cut_service import CutService
from components.dropzone import Dropzone
from components.error_banner import ErrorBanner
from components.message_api import MessageApi
from components.model_picker import ModelPicker
from components.photo_layers import PhotoLayers
from components.progress import Progress
from components.result_view import ResultView
from components.toolbar import Toolbar
from unbg import actions
from unbg.browser_engine import BrowserEngine


def mirror_page_state(state: dict) -> None:
    """<html data-state>, data-jobs-done and data-model-* are what people's CSS, the tests and the bench read."""
    root = js.document.documentElement
    root.dataset.state = state["page"]
    root.dataset.jobsDone = str(state["jobs_done"])
    progress = state["model_progress"]
    root.dataset.modelProgress = "" if progress is None else str(progress)
    root.dataset.modelReady = state["model_ready"] or ""
    load_ms = state["model_load_ms"] or {}
    root.dataset.modelReadMs = str(load_ms.get("read_ms", ""))
    root.dataset.sessionMs = str(load_ms.get("session_ms", ""))


async def start() -> None:
    manifest_response = await js.fetch("assets/models/models.json")
    manifest = json.loads(await manifest_response.text())
    store = actions.create_store()
    engine = BrowserEngine(manifest)
    service = CutService(store, engine)
    frame = dom.find("[data-component=compare-slider]")
    layers = PhotoLayers(store, dom.find("[data-testid=original-image]"), dom.find("[data-testid=result-image]"))
    components = [
        layers,
        Dropzone(dom.find("[data-component=dropzone]"), store),
        ModelPicker(dom.find("[data-testid=model]"), store, manifest),
        BestToggle(dom.find("[data-testid=best]"), store),
        Progress(dom.find("[data-component=progress]"), store),
        ErrorBanner(dom.find("[data-component=error]"), store),
        ResultView(dom.find("[data-component=result]"), store),
        Toolbar(dom.find("[data-component=result]"), store),
        CompareSlider(frame, store),
        BrushCanvas(frame, store, layers),
        MessageApi(service),
    ]
    store.subscribe(mirror_page_state)
    actions.page_ready(store)
    await service.warm_start()
    return store, service, components


app = await start()  # noqa: F704 -- PyScript runs this module with top-level await
