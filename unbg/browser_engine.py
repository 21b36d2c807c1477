"""The browser engine: decode with the browser, cut out with onnxruntime-web.

Pixels never loop in Python here: they move as typed arrays between
createImageBitmap / OffscreenCanvas, libheif-js and onnxruntime-web.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Callable

import js
from pyodide.ffi import JsException, create_once_callable, to_js
from pyscript import js_import

from .cancel import CancelToken
from .errors import BadInput, InferenceError, ModelLoadError, UnbgError
from .integrity import TAIL_BYTES, check_complete
from .models import MODEL_DIR, MODEL_SIZE, PREVIEW_SIZE, model_choice
from .png import encode_png
from .sniff import SNIFF_BYTES, sniff_format

RUNTIME_URL = "assets/runtime.mjs"  # onnxruntime-web, configured and started by the page
LIBHEIF_URL = "assets/vendor/libheif/libheif-bundle.mjs"
MODEL_CACHE = "unbg-models-v1"
PREVIEW_LONG_SIDE = 512  # the preview's photo copy: small enough to decode and move in no time

Progress = Callable[[str, float | None], None]  # (stage, fraction or None)


def _url(path: str) -> str:
    """Absolute URL of a path of ours (workers and dynamic imports need absolute URLs)."""
    return js.URL.new(path, js.document.baseURI).href


def _js_object(value: dict):
    return to_js(value, dict_converter=js.Object.fromEntries)


@dataclass
class Picture:
    """Decoded RGBA pixels (a Uint8ClampedArray), their size, and the photo as an ImageBitmap."""

    pixels: object
    width: int
    height: int
    bitmap: object


@dataclass
class Cutout:
    """What the editor starts from: the upright photo and the model's cut-out of it."""

    original: object  # ImageBitmap; whoever takes the Cutout closes it
    pixels: object  # ImageData: the cut-out, the model's alpha with its edge colours
    colour: object  # ImageData: the same colours, opaque (an editor's mask goes over them)
    width: int
    height: int
    timings: dict = field(default_factory=dict)


@dataclass
class CutResult:
    blob: object  # a PNG Blob
    width: int
    height: int
    timings: dict = field(default_factory=dict)


def _image_data(data, width: int, height: int):
    """An ImageData over the bytes of a Uint8Array, without copying them."""
    return js.ImageData.new(js.Uint8ClampedArray.new(data.buffer, data.byteOffset, data.length), width, height)


async def _read_bytes(blob, start: int, end: int) -> bytes:
    buffer = await blob.slice(start, end).arrayBuffer()
    return js.Uint8Array.new(buffer).to_bytes()


class BrowserEngine:
    """Loads each model once (memoised as a task, so a prewarm and a job share it)."""

    def __init__(self, manifest: dict) -> None:
        self._manifest = manifest  # models.json written by the build: file, bytes, sha256
        self._ort = None
        self._libheif = None
        self._sessions: dict[str, asyncio.Task] = {}
        self.on_model_progress: Callable[[float | None], None] = lambda fraction: None
        # (model, {"read_ms", "session_ms"}): bytes from the cache or network, then the session.
        self.on_model_ready: Callable[[str, dict], None] = lambda model, load_ms: None

    async def _runtime(self):
        if self._ort is None:
            (runtime,) = await js_import(_url(RUNTIME_URL))  # the page loaded and started it already
            self._ort = await runtime.ready
        return self._ort

    def prewarm(self, model: str) -> None:
        """Start loading ``model`` now, without waiting for it."""
        self.session(model)

    def session(self, model: str) -> asyncio.Task:
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
        return _url(f"{MODEL_DIR}/{entry['file']}?v={entry['sha256'][:16]}")  # a new build, a new cache key

    async def is_cached(self, model: str) -> bool:
        """Whether ``model`` is in Cache Storage already (a returning visitor)."""
        try:
            return bool(await (await js.caches.open(MODEL_CACHE)).match(self._model_url(model)))
        except JsException:  # storage blocked (private modes, some iframes)
            return False

    async def _load(self, model: str):
        choice = model_choice(model)
        try:
            ort = await self._runtime()
            started = time.perf_counter()
            data = await self._model_bytes(self._model_url(model), self._manifest[choice.name]["bytes"])
            read = time.perf_counter()
            # A model the build optimised already needs no optimisation here (see optimised_offline).
            level = "disabled" if self._manifest[choice.name].get("optimised") else "all"
            options = _js_object({"executionProviders": to_js(["wasm"]), "graphOptimizationLevel": level})
            session = await ort.InferenceSession.create(data, options)
        except JsException as error:
            raise ModelLoadError(f"The {choice.name} model could not be loaded ({error}). Reload the page to try again.") from None
        load_ms = {"read_ms": round((read - started) * 1000), "session_ms": round((time.perf_counter() - read) * 1000)}
        self.on_model_ready(choice.name, load_ms)
        return session

    async def _model_bytes(self, url: str, size: int):
        """The model's bytes from Cache Storage, else downloaded with progress and cached."""
        cache = await js.caches.open(MODEL_CACHE)
        cached = await cache.match(url)
        if cached:
            self.on_model_progress(1.0)
            return js.Uint8Array.new(await cached.arrayBuffer())
        response = await js.fetch(url)
        if not response.ok:
            raise ModelLoadError(f"The model download failed (HTTP {response.status}).")
        data = js.Uint8Array.new(size)
        reader = response.body.getReader()
        received = 0
        self.on_model_progress(0.0)
        while True:
            chunk = await reader.read()
            if chunk.done:
                break
            if received + chunk.value.length > size:
                raise ModelLoadError("The model download is larger than expected: the site is out of date, reload it.")
            data.set(chunk.value, received)
            received += chunk.value.length
            self.on_model_progress(received / size)
        if received != size:
            raise ModelLoadError("The model download stopped early. Check the connection and try again.")
        # Cache a copy before onnxruntime's worker takes (detaches) the buffer.
        await cache.put(url, js.Response.new(data.slice()))
        return data

    async def decode(self, blob) -> Picture:
        """Decode any image the browser or libheif-js reads into RGBA pixels."""
        head = await _read_bytes(blob, 0, SNIFF_BYTES)
        fmt = sniff_format(head)
        if fmt == "tiff":  # Chromium has no TIFF decoder
            raise BadInput("TIFF files cannot be opened in the browser: save it as PNG or JPEG first.")
        check_complete(fmt, await _read_bytes(blob, max(0, blob.size - TAIL_BYTES), blob.size))
        try:
            if fmt == "heic":
                return await self._decode_heic(blob)
            return await self._decode_native(blob)
        except JsException:
            raise BadInput(f"This {fmt.upper()} file is damaged or uses a variant the browser cannot read.") from None

    async def _decode_native(self, blob) -> Picture:
        # Keep the file's own pixels, as Pillow does: no colour conversion, no premultiplying.
        options = _js_object({"imageOrientation": "from-image", "premultiplyAlpha": "none", "colorSpaceConversion": "none"})
        bitmap = await js.createImageBitmap(blob, options)
        width, height = bitmap.width, bitmap.height
        canvas = js.OffscreenCanvas.new(width, height)
        context = canvas.getContext("2d", _js_object({"willReadFrequently": True}))
        context.drawImage(bitmap, 0, 0)
        pixels = context.getImageData(0, 0, width, height).data
        canvas.width = canvas.height = 0  # its 48 MB (at 12 MP) go now, not whenever the GC runs
        return Picture(pixels, width, height, bitmap)

    async def _decode_heic(self, blob) -> Picture:
        if self._libheif is None:
            (module,) = await js_import(_url(LIBHEIF_URL))
            self._libheif = module.default()
        data = js.Uint8Array.new(await blob.arrayBuffer())
        images = self._libheif.HeifDecoder.new().decode(data)
        if not images or images.length == 0:
            raise BadInput("This HEIC file holds no image the decoder can read.")
        image = images[0]
        width, height = image.get_width(), image.get_height()
        target = js.ImageData.new(width, height)
        done = asyncio.get_running_loop().create_future()
        image.display(target, create_once_callable(lambda result: done.set_result(bool(result))))
        ok = await done
        for index in range(images.length):
            images[index].free()
        if not ok:
            raise BadInput("This HEIC file is damaged and cannot be read.")
        return Picture(target.data, width, height, await js.createImageBitmap(target))

    async def _decode_and_infer(self, blob, model: str, views: int, outputs: list[str], progress: Progress,
                                token: CancelToken, on_preview: Callable | None = None):
        """Decode ``blob`` and run the model; returns (picture, the outputs' data, timings so far, start).

        ``views`` is 1, or BEST_VIEWS for best edges. ``on_preview(image_data)`` gets a quick
        low-resolution cut-out first (one view), where the model allows it.
        """
        start = time.perf_counter()
        await self._release_others(model)  # before loading: two sessions at once would not fit a phone
        session_task = self.session(model)
        progress("decode", None)
        picture = await self.decode(blob)
        decoded = time.perf_counter()
        try:
            if not session_task.done():
                progress("model", None)
            session = await session_task
            token.check()
            progress("inference", None)
            preview_ms = None
            if on_preview is not None and self._manifest[model].get("preview"):
                on_preview(await self._preview(session, picture))
                preview_ms = round((time.perf_counter() - start) * 1000)
                token.check()
            inference_start = time.perf_counter()
            data = await self._infer(session, picture.pixels, picture.width, picture.height, outputs, views=views)
            token.check()
        except BaseException:
            picture.bitmap.close()
            raise
        timings = {
            "decode_ms": round((decoded - start) * 1000),
            "inference_ms": round((time.perf_counter() - inference_start) * 1000),
        }
        if preview_ms is not None:
            timings["preview_ms"] = preview_ms
        return picture, data, timings, start

    async def _preview(self, session, picture: Picture):
        """A cut-out of a small copy of the photo, with the model at PREVIEW_SIZE (1/16 of the work)."""
        scale = min(1.0, PREVIEW_LONG_SIDE / max(picture.width, picture.height))
        width, height = max(1, round(picture.width * scale)), max(1, round(picture.height * scale))
        options = _js_object({"resizeWidth": width, "resizeHeight": height, "resizeQuality": "medium", "premultiplyAlpha": "none"})
        small = await js.createImageBitmap(picture.bitmap, options)
        canvas = js.OffscreenCanvas.new(width, height)
        context = canvas.getContext("2d", _js_object({"willReadFrequently": True}))
        context.drawImage(small, 0, 0)
        small.close()
        pixels = context.getImageData(0, 0, width, height).data
        (data,) = await self._infer(session, pixels, width, height, ["cutout"], PREVIEW_SIZE)
        return _image_data(data, width, height)

    async def cut_pixels(self, blob, model: str, views: int, progress: Progress, token: CancelToken,
                         on_preview=None) -> Cutout:
        """Decode and cut out, keeping pixels for the editor (no file is encoded)."""
        picture, (cutout, colour), timings, start = await self._decode_and_infer(
            blob, model, views, ["cutout", "colour"], progress, token, on_preview)
        pixels = _image_data(cutout, picture.width, picture.height)
        colour = _image_data(colour, picture.width, picture.height)
        timings["total_ms"] = round((time.perf_counter() - start) * 1000)
        return Cutout(picture.bitmap, pixels, colour, picture.width, picture.height, timings)

    async def cut(self, blob, model: str, views: int, output: str, progress: Progress,
                  token: CancelToken | None = None) -> CutResult:
        """The whole job: decode, infer, encode a PNG (cut-out with alpha, or the mask)."""
        if output not in ("cutout", "mask"):
            raise BadInput(f"Unknown output {output!r}: ask for 'cutout' or 'mask'.")
        picture, (data,), timings, start = await self._decode_and_infer(blob, model, views, [output], progress,
                                                                        token or CancelToken())
        picture.bitmap.close()  # the API sends a file; only the editor needs the photo again
        progress("encode", None)
        encode_start = time.perf_counter()
        png = await self._encode(data, picture, output)
        end = time.perf_counter()
        timings["encode_ms"] = round((end - encode_start) * 1000)
        timings["total_ms"] = round((end - start) * 1000)
        return CutResult(png, picture.width, picture.height, timings)

    async def _infer(self, session, pixels, width: int, height: int, outputs: list[str], working_size: int = MODEL_SIZE,
                     views: int = 1):
        """Run the pipeline graph; ``outputs`` are its output names (``mask`` means ``alpha``)."""
        ort = self._ort
        # A view, not a copy: the proxy worker takes the buffer, we no longer need it.
        rgba = js.Uint8Array.new(pixels.buffer, pixels.byteOffset, pixels.length)
        size = js.BigInt64Array.of(js.BigInt(working_size), js.BigInt(working_size))
        feeds = {
            "rgba": ort.Tensor.new("uint8", rgba, to_js([height, width, 4])),
            "size": ort.Tensor.new("int64", size, to_js([2])),
            "views": ort.Tensor.new("int64", js.BigInt64Array.of(js.BigInt(views)), to_js([1])),
        }
        names = ["alpha" if output == "mask" else output for output in outputs]
        try:
            results = await session.run(_js_object(feeds), to_js(names))
        except JsException as error:
            raise InferenceError(f"The model failed on this image ({error}).") from None
        return [getattr(results, name).data for name in names]

    async def _encode(self, data, picture: Picture, output: str):
        if output == "mask":
            png = encode_png(data.to_bytes(), picture.width, picture.height, 1)
            return js.Blob.new(to_js([to_js(png)]), _js_object({"type": "image/png"}))
        canvas = js.OffscreenCanvas.new(picture.width, picture.height)
        canvas.getContext("2d").putImageData(_image_data(data, picture.width, picture.height), 0, 0)
        return await canvas.convertToBlob(_js_object({"type": "image/png"}))


def error_code(error: BaseException) -> str:
    return error.code if isinstance(error, UnbgError) else "internal"
