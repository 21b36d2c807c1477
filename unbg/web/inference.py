"""One run of a pipeline graph in onnxruntime's worker (runtime.mjs): the photo's RGBA in, the outputs asked for out."""

from __future__ import annotations

from typing import Callable

import js
from pyodide.ffi import JsException, create_proxy

from ..core.errors import InferenceError
from ..core.models import MODEL_SIZE
from . import dom


async def run_pipeline(ort, session, pixels, width: int, height: int, outputs: list[str], working_size: int = MODEL_SIZE,
                       views: int = 1, pictures: dict | None = None, on_stage: Callable[[str], None] | None = None):
    """``outputs`` are the graph's output names (``mask`` means ``alpha``), each given back as {type,
    data, dims}, or as what ``pictures`` asks the worker to make of it (result_files.pictures_wanted);
    ``on_stage`` hears the worker start on a PNG."""
    # A view, not a copy: onnxruntime's worker takes the buffer, we no longer need it.
    rgba = js.Uint8Array.new(pixels.buffer, pixels.byteOffset, pixels.length)
    size = js.BigInt64Array.of(js.BigInt(working_size), js.BigInt(working_size))
    feeds = {
        "rgba": ort.Tensor.new("uint8", rgba, dom.js_array([height, width, 4])),
        "size": ort.Tensor.new("int64", size, dom.js_array([2])),
        "views": ort.Tensor.new("int64", js.BigInt64Array.of(js.BigInt(views)), dom.js_array([1])),
    }
    names = ["alpha" if output == "mask" else output for output in outputs]
    stage = None if on_stage is None else create_proxy(on_stage)
    try:
        results = await session.run(dom.js_object(feeds), dom.js_array(names), dom.js_object(pictures or {}), stage)
    except JsException as error:
        if "bad_alloc" in str(error):  # onnxruntime could not have the memory this photo needs
            raise InferenceError("This device ran out of memory while cutting this photo out: close other tabs "
                                 "or apps and try again.") from None
        raise InferenceError(f"The model failed on this image ({error}).") from None
    finally:
        if stage is not None:
            stage.destroy()
    return [getattr(results, name) for name in names]
