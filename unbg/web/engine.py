"""The browser engine: decode with the browser, cut out with onnxruntime-web.

Pixels never loop in Python here: they move as typed arrays between createImageBitmap /
OffscreenCanvas, libheif-js and onnxruntime-web.
"""

from __future__ import annotations

import asyncio
import time
from typing import Callable

from pyodide.ffi import JsException
from pyscript import js_import

from ..core.backend import WASM, BackendFallback
from ..core.engine import AbortSignal, CutOptions, CutResult, Progress
from ..core.errors import InferenceError, ModelLoadError
from ..core.models import PREVIEW_SIZE, model_choice, model_url_path
from . import dom, model_cache
from .context import NotSupported
from .decode import Decoder
from .inference import run_pipeline
from .result_files import Cutout, mask_png, pictures_wanted, thumbnail_url

RUNTIME_URL = "assets/runtime.mjs"  # onnxruntime-web, configured and started by the page
RENEW_AFTER_S = 3.0  # how long the queue is idle before onnxruntime's worker is renewed (see idle)


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


async def _discard(decoding: asyncio.Future) -> None:
    """A decode no longer wanted: stopped (its worker ends), or its photo's bitmap let go."""
    if not decoding.done():
        decoding.cancel()
        await asyncio.gather(decoding, return_exceptions=True)
    elif not decoding.cancelled() and decoding.exception() is None:
        decoding.result().close()


class BrowserEngine:
    """Loads each model once (memoised as a task, so a prewarm and a job share it).

    On a page whose ``backend`` is WebGPU, the models that can run on the GPU do; one that fails
    there (its session, a run, a lost device) runs on WASM from then on, and its job is done again.
    """

    def __init__(self, manifest: dict, backend: str = WASM) -> None:
        self._manifest = manifest  # models.json written by the build: file, bytes, sha256
        self._ort = None  # runtime.mjs's onnxruntime, once started
        self._starting: asyncio.Task | None = None
        self._backends = BackendFallback(backend)
        self._decoder = Decoder()
        self._sessions: dict[str, asyncio.Task] = {}
        self._cutting = 0  # cuts under way
        self._ran = None  # the model whose runs left onnxruntime's worker at its high-water mark, if any
        self.on_model_progress: Callable[[float | None], None] = lambda fraction: None
        # (model, {"read_ms", "session_ms"}, backend): bytes from the cache or network, then the session.
        self.on_model_ready: Callable[[str, dict, str], None] = lambda model, load_ms, backend: None
        self.on_model_damaged: Callable[[str], None] = lambda model: None  # its cached copy failed the check

    # -- models ------------------------------------------------------------
    async def _runtime(self):
        """onnxruntime, started once: every caller awaits the same start (and a failed one is tried again)."""
        starting = self._starting
        if starting is None or (starting.done() and (starting.cancelled() or starting.exception() is not None)):
            starting = self._starting = asyncio.ensure_future(self._start_runtime())
        self._ort = await asyncio.shield(starting)  # a cancelled load must not cancel everyone's start
        return self._ort

    async def _start_runtime(self):
        (runtime,) = await js_import(dom.absolute_url(RUNTIME_URL))  # the page has loaded it already
        try:
            return await runtime.start(self._backends.backend)
        except JsException:
            if self._backends.backend == WASM:
                raise
            self._backends = BackendFallback(WASM)  # the WebGPU build did not start: the CPU one
            return await runtime.start(WASM)

    def start(self) -> None:
        """Start onnxruntime now (its WebAssembly, worker and threads), before any model is asked for."""
        task = asyncio.ensure_future(self._runtime())
        task.add_done_callback(lambda done: done.cancelled() or done.exception())  # reported when a model loads

    def prewarm(self, model: str) -> None:
        task = self._session(model)
        # Unawaited here: a failed load is said by the job that needs the model (it loads it again).
        task.add_done_callback(lambda done: done.cancelled() or done.exception())

    def _session(self, model: str) -> asyncio.Task:
        task = self._sessions.get(model)
        if task is None or (task.done() and (task.cancelled() or task.exception() is not None)):
            task = asyncio.ensure_future(self._load(model))
            self._sessions[model] = task
        return task

    async def _release_others(self, model: str) -> None:
        """Free every other model's session: two sessions would not fit a phone's memory."""
        for name in [name for name in self._sessions if name != model]:
            task = self._sessions.pop(name)
            if not task.done():
                task.cancel()
            elif not task.cancelled() and task.exception() is None:
                await task.result().release()

    def _model_url(self, model: str) -> str:
        entry = self._manifest[model_choice(model).name]
        return dom.absolute_url(model_url_path(entry))

    async def is_cached(self, model: str) -> bool:
        return await model_cache.is_cached(self._model_url(model))

    async def _load(self, model: str):
        name = model_choice(model).name
        entry = self._manifest[name]
        url = self._model_url(model)
        # A model the build optimised already needs no optimisation here (see optimised_offline).
        level = "disabled" if entry.get("optimised") else "all"
        creating = False  # a session failing falls back to WASM; bytes that do not arrive do not
        try:
            ort = await self._runtime()
            backend = self._backends.for_model(name)
            # Errors only: WebGPU's session warns of the shape ops it leaves to the CPU, as it should.
            options = dom.js_object({"executionProviders": dom.js_array([backend]), "graphOptimizationLevel": level,
                                     "logSeverityLevel": 3})
            started = time.perf_counter()
            data = await model_cache.cached_model(url)
            read = time.perf_counter()
            creating = data is not None
            session = None if data is None else await self._trusted_session(ort, data, entry["sha256"], options)
            if session is None:
                if data is not None:  # the saved copy is damaged: say so, and fetch it again
                    await model_cache.forget(url)
                    self.on_model_damaged(name)
                started = time.perf_counter()
                creating = False
                data = await model_cache.download_model(url, entry["bytes"], entry["sha256"], self.on_model_progress)
                read = time.perf_counter()
                creating = True
                session = await ort.InferenceSession.create(data, options)
        except (JsException, NotSupported) as error:
            if creating and self._backends.failed(name):  # failed on the GPU: try WASM
                return await self._load(model)  # no session on the GPU: the same bytes, from the cache, on WASM
            raise ModelLoadError(f"The {name} model could not be loaded ({error}). Check the connection and try again.") from None
        self.on_model_ready(name, {"read_ms": _ms(read - started), "session_ms": _ms(time.perf_counter() - read)}, backend)
        return session

    async def _trusted_session(self, ort, data, sha256: str, options):
        """A session of cached bytes, or None if they fail their check (made while they are checked)."""
        intact = model_cache.has_digest(data, sha256)
        self.on_model_progress(1.0)
        try:
            session = await ort.InferenceSession.create(data, options)
        except JsException:
            if await intact:
                raise
            return None  # damaged bytes may not even parse
        if await intact:
            return session
        await session.release()
        return None

    # -- the port: one cut ---------------------------------------------------
    async def cut(self, image, options: CutOptions, progress: Progress, abort: AbortSignal):
        """A CutResult (a PNG Blob), or for ``output="editor"`` a Cutout with the editor's pixels."""
        self._cutting += 1
        try:
            return await self._cut(image, options, progress, abort)
        except InferenceError:
            if not await self._leave_gpu(options.model):
                self._restart(options.model)
                raise
            return await self._cut(image, options, progress, abort)  # again, on WASM
        finally:
            self._cutting -= 1

    def idle(self) -> None:
        """No job is waiting. onnxruntime's WebAssembly memory stays at its high-water mark for as
        long as its worker lives: once no job has come for RENEW_AFTER_S, a fresh worker with a
        fresh session of the last model gives it back (a page at rest after a 12 MP cut: ~710 →
        ~550 MB, measured). Not at once: a host sending photo after photo, each when the last is
        back, would pay a session (~0.5 s) per photo, and for a while hold both workers' memory.
        Only for a saved model on WASM: it loads again from the cache; on a GPU the session is
        costly to make, and its memory is elsewhere."""
        model, self._ran = self._ran, None
        if model is not None:
            asyncio.ensure_future(self._renew(model))

    async def _renew(self, model: str) -> None:
        await asyncio.sleep(RENEW_AFTER_S)
        if self._backends.for_model(model) != WASM or not await self.is_cached(model):
            return
        if self._cutting == 0 and self._ran is None:  # no job started meanwhile
            self._restart(model)

    def _restart(self, model: str) -> None:
        """After a run failed on WASM: onnxruntime's worker may have taken all the memory it can have,
        and would keep it. It ends, and ``model`` is loaded again in a fresh one for the next job."""
        self._sessions.clear()  # they lived in that worker
        self._ran = None  # the fresh one has run nothing
        if self._ort is not None:
            self._ort.stop()
        self._ort = self._starting = None
        self.prewarm(model)

    async def _leave_gpu(self, model: str) -> bool:
        """After a failed run: move ``model`` off the GPU if it was there (True: run it again)."""
        if not self._backends.failed(model):  # its session ran on WASM: a real failure
            return False
        task = self._sessions.pop(model, None)
        if task is not None and task.done() and not task.cancelled() and task.exception() is None:
            try:
                await task.result().release()
            except JsException:
                pass  # a lost device may not release cleanly; the session is dropped either way
        return True

    async def _cut(self, image, options: CutOptions, progress: Progress, abort: AbortSignal):
        start = time.perf_counter()
        if self._ort is not None and self._ort.stopped:  # its worker ended by itself while no job ran
            self._restart(options.model)
        await self._release_others(options.model)  # before loading: two sessions at once would not fit a phone
        session_task = self._session(options.model)
        progress("decode", None)
        wants_preview = options.preview and self._manifest[options.model].get("preview")
        early = asyncio.get_running_loop().create_future()  # the file's own thumbnail, if it has one
        decoding = asyncio.ensure_future(self._decoder.decode(
            image, on_thumbnail=lambda small: early.done() or early.set_result(small),
            bitmap=options.output == "editor", preview=bool(wants_preview)))
        timings = {}
        try:
            if wants_preview:
                # A HEIC's own thumbnail makes the quick preview while its tiles are still being decoded.
                await asyncio.wait([decoding, early], return_when=asyncio.FIRST_COMPLETED)
                if early.done() and not decoding.done():
                    progress("preview", await self._preview(await session_task, early.result()))
                    timings["preview_ms"] = _ms(time.perf_counter() - start)
                    abort.check()
            picture = await decoding
        except BaseException:
            await _discard(decoding)
            raise
        timings["decode_ms"] = _ms(time.perf_counter() - start)
        outputs = ["cutout", "colour"] if options.output == "editor" else [options.output]
        encoding = {}  # when the worker began the PNG: the end of inference_ms, the start of encode_ms

        def on_stage(stage: str) -> None:
            encoding.setdefault("start", time.perf_counter())
            progress(stage, None)

        made = []
        try:
            if not session_task.done():
                progress("model", None)
            session = await session_task
            abort.check()
            progress("inference", None)
            if wants_preview and "preview_ms" not in timings:
                progress("preview", await self._preview(session, picture.preview))
                timings["preview_ms"] = _ms(time.perf_counter() - start)
                abort.check()
            inference_start = time.perf_counter()
            self._ran = options.model
            made = await run_pipeline(self._ort, session, picture.pixels, picture.width, picture.height, outputs,
                                      options.size, options.views, pictures_wanted(options.output, options.thumbnail),
                                      on_stage)
            timings["inference_ms"] = _ms(encoding.get("start", time.perf_counter()) - inference_start)
            abort.check()
        except BaseException:
            picture.close()
            for output in made:
                getattr(output, "bitmap", None) and output.bitmap.close()
            raise
        finally:
            dom.free(picture.pixels)  # moved to onnxruntime's worker already, unless no run began
        if options.output == "editor":
            cutout, colour = made
            timings["total_ms"] = _ms(time.perf_counter() - start)
            return Cutout(picture.bitmap, cutout.bitmap, colour.bitmap, picture.width, picture.height, timings,
                          thumbnail_url(cutout), picture.scaled_from, picture.notes)
        picture.close()  # a file is all that is sent or kept; only the editor needs the photo again
        (output,) = made
        if options.output == "mask":
            on_stage("encode")
            png, thumbnail = mask_png(output.data, picture.width, picture.height), None
            dom.free(output.data)  # the PNG is all that is kept
        else:
            png, thumbnail = output.png, thumbnail_url(output)
        end = time.perf_counter()
        timings["encode_ms"] = _ms(end - encoding["start"])
        timings["total_ms"] = _ms(end - start)
        return CutResult(png, picture.width, picture.height, timings, thumbnail, picture.scaled_from, picture.notes)

    async def _preview(self, session, small):
        """A cut-out of the photo's small copy (an ImageData), with the model at PREVIEW_SIZE (1/16 of the work)."""
        (output,) = await run_pipeline(self._ort, session, small.data, small.width, small.height, ["cutout"], PREVIEW_SIZE)
        return dom.image_data(output.data, small.width, small.height)
