"""Wire the store, the queue, the engine, the services and the components, then mark the page ready."""

import asyncio
import json

import js

js.performance.mark("unbg:main-start")  # Pyodide, PyScript and our files are there; our imports follow

# Our imports take ~350 ms on a first visit (Python compiles them): in three parts, with the browser
# free in between to paint and take a drop (one task over 200 ms would keep the drop zone waiting).
import unbg.core.cut_service  # noqa: E402,F401 -- the core, which the rest imports
import unbg.core.message_api  # noqa: E402,F401

await asyncio.sleep(0)  # noqa: F704 -- PyScript runs this module with top-level await
import unbg.web.engine  # noqa: E402,F401 -- the browser side
import unbg.web.layers  # noqa: E402,F401

await asyncio.sleep(0)  # noqa: F704

from components.batch_list import BatchList
from components.best_toggle import BestToggle
from components.brush_canvas import BrushCanvas
from components.compare_slider import CompareSlider
from components.dropzone import Dropzone
from components.error_banner import ErrorBanner
from components.host_jobs import HostJobs
from components.model_picker import ModelPicker
from components.output_options import OutputOptions
from components.progress import Progress
from components.result_view import ResultView
from components.toolbar import Toolbar
from unbg.core import JobQueue, actions
from unbg.core.cut_service import CutService
from unbg.core.message_api import MessageApi
from unbg.core.backend import default_model, page_backend, requested_backend
from unbg.core.url_settings import url_settings
from unbg.web import dom
from unbg.web.context import gpu_adapter, page_context
from unbg.web.engine import BrowserEngine
from unbg.web.export import export_file
from unbg.web.layers import PhotoLayers, PreviewLayer
from unbg.web.message_port import MessagePort


def mirror_page_state(state: dict) -> None:
    """<html data-state>, data-jobs-done and data-model-* are what people's CSS, the tests and the bench read."""
    progress = state["model_progress"]
    load_ms = state["model_load_ms"] or {}
    dom.mark_page(state=state["page"], jobsDone=str(state["jobs_done"]),
                  modelProgress="" if progress is None else str(progress), modelReady=state["model_ready"] or "",
                  modelDamaged=state["model_damaged"] or "", backend=state["model_backend"] or "",
                  prewarmed=",".join(state["prewarmed"]),
                  modelReadMs=str(load_ms.get("read_ms", "")), sessionMs=str(load_ms.get("session_ms", "")))


async def read_json(path: str):
    response = await dom.window().fetch(path)
    return json.loads(await response.text())


def ask_before_leaving(event, service) -> None:
    """Edits not downloaded yet would be lost: the browser asks whether to leave."""
    if service.unsaved_edits():
        event.preventDefault()
        event.returnValue = "Edits not downloaded yet"  # what older browsers need to ask (any text)


async def start():
    dom.mark("unbg:python-ready")  # PyScript, Pyodide and our files are there, main.py's imports done
    manifest, embed, adapter = await asyncio.gather(read_json("assets/models/models.json"), read_json("assets/embed.json"),
                                                    gpu_adapter())
    backend = page_backend(requested_backend(dom.query_string()), adapter)
    store = actions.create_store()
    actions.choose_model(store, default_model(backend))
    actions.apply_url_settings(store, url_settings(dom.query_string()))
    engine = BrowserEngine(manifest, backend)
    queue = JobQueue(engine, report_bug=lambda job, error: dom.console_error(f"unbg: {job.name}: {error!r}"))
    layers = PhotoLayers(store, dom.find("[data-testid=original-image]"), dom.find("[data-testid=result-image]"))
    preview = PreviewLayer(dom.find("[data-testid=preview]"))

    async def save_edits():
        """The open item's cut-out with its edits, as the PNG the batch keeps."""
        options = {**actions.export_options(store.state), "format": "png", "crop": False}
        return (await export_file(layers, options))[0]

    service = CutService(store, queue, engine, show_result=layers.show, show_preview=preview.show, save_edits=save_edits)
    frame = dom.find("[data-component=compare-slider]")
    dropzone = Dropzone(dom.find("[data-component=dropzone]"), store, service)
    components = [
        dropzone,
        ModelPicker(dom.find("[data-testid=model]"), store, manifest, backend),
        BestToggle(dom.find("[data-testid=best]"), store),
        OutputOptions(dom.find("[data-component=output-options]"), store),
        BatchList(dom.find("[data-component=batch]"), store, service, layers),
        Progress(dom.find("[data-component=progress]"), store, on_cancel=service.cancel),
        ErrorBanner(dom.find("[data-component=error]"), store, service),
        HostJobs(dom.find("[data-component=host-jobs]"), store),
        ResultView(dom.find("[data-component=result]"), store),
        Toolbar(dom.find("[data-component=result]"), store, layers, service),
        CompareSlider(frame, store),
        BrushCanvas(frame, store, layers),
    ]
    leaving = dom.Listener(js.window, "beforeunload", lambda event: ask_before_leaving(event, service))
    api = MessageApi(queue, on_activity=lambda rows: actions.host_jobs_changed(store, rows), default_model=default_model(backend))
    port = MessagePort(api, embed["origins"])
    context = page_context()
    dom.mark_page(isolated=str(context.isolated).lower(), threads=str(context.threads))
    store.subscribe(mirror_page_state)
    actions.page_ready(store)
    dom.mark("unbg:ready")
    engine.start()  # after ready: on two cores its start would have delayed Python's
    dropzone.take_early_photos()  # and the model's prewarm starts with them
    port.announce(context.threads)
    await service.warm_start()
    dom.mark_page(warmStart="done")  # the page has looked for a saved model to make ready: it does nothing more unasked
    return store, service, layers, port, components, leaving


app = await start()  # noqa: F704 -- PyScript runs this module with top-level await
