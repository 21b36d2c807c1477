"""The native engine: decode with Pillow, cut out with onnxruntime, encode PNG with Pillow."""

from __future__ import annotations

import asyncio
import io
import os
import threading
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from ..core.engine import CutResult
from ..core.errors import BadInput, InferenceError, ModelLoadError
from ..core.models import DEFAULT_MODEL, MODEL_DIR, MODEL_SIZE, model_choice
from ..core.image_header import HEADER_BYTES, WORKING_MEGAPIXELS, declared_size, refuse_if_larger, working_size
from ..core.sniff import SNIFF_BYTES, sniff_format

# The largest photo decoded at all (a 200 MP phone photo is 1.6 GB as RGBA here, briefly). Pillow's
# own bomb check, for formats whose header we do not read, refuses at twice MAX_IMAGE_PIXELS.
LARGEST_MEGAPIXELS = 400
Image.MAX_IMAGE_PIXELS = LARGEST_MEGAPIXELS * 1_000_000 // 2

# Sniffed format → (Pillow's format name, the name people know it by).
FORMATS = {
    "jpeg": ("JPEG", "JPEG"),
    "png": ("PNG", "PNG"),
    "webp": ("WEBP", "WebP"),
    "gif": ("GIF", "GIF"),
    "bmp": ("BMP", "BMP"),
    "tiff": ("TIFF", "TIFF"),
    "heic": ("HEIF", "HEIC"),
    "avif": ("AVIF", "AVIF"),
}
_openers_registered = False


def find_model_dir() -> Path:
    """The folder holding the pipeline models: ``$UNBG_MODEL_DIR``, else ``assets/models`` in the project."""
    override = os.environ.get("UNBG_MODEL_DIR")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / MODEL_DIR


def _register_openers() -> None:
    """Teach Pillow HEIC (and AVIF, where pillow-heif still offers it) on first use."""
    global _openers_registered
    if _openers_registered:
        return
    import pillow_heif

    pillow_heif.register_heif_opener()
    # pillow-heif 1.x dropped AVIF; Pillow 11.2+ reads it with its own plugin.
    register_avif = getattr(pillow_heif, "register_avif_opener", None)
    if register_avif is not None:
        register_avif()
    _openers_registered = True


def decode_image(data: bytes, name: str = "", max_megapixels: float | None = None) -> np.ndarray:
    """Decode the first frame of an image file to RGBA uint8 [H, W, 4], upright per its EXIF,
    scaled down (same shape) to at most ``max_megapixels`` if given.

    The bytes alone decide the format; ``name`` (the file's name, if known) never does.
    Raises BadInput, with a one-line message naming the format, for anything unreadable, and
    for a header that declares more than LARGEST_MEGAPIXELS (before decoding anything).
    """
    kind = sniff_format(data[:SNIFF_BYTES])
    pillow_format, label = FORMATS[kind]
    refuse_if_larger(label, declared_size(kind, data[:HEADER_BYTES]), LARGEST_MEGAPIXELS)
    _register_openers()
    try:
        # Only the sniffed format's plugin may open it, so a mislabelled file cannot surprise us.
        with Image.open(io.BytesIO(data), formats=[pillow_format]) as image:
            if max_megapixels:
                # A JPEG decodes at 1/2 to 1/8 of its size straight away: a 200 MP one never exists in full.
                image.draft(image.mode, working_size(*image.size, max_megapixels))
            image.load()  # decode now: a truncated file must fail here, not turn grey
            image = ImageOps.exif_transpose(image)
            if image.mode.startswith("I;16"):
                # Pillow clips 16-bit gray to 255 when converting; keep the top 8 bits instead.
                image = Image.fromarray((np.asarray(image) >> 8).astype(np.uint8))
            image = image.convert("RGBA")
            target = working_size(*image.size, max_megapixels) if max_megapixels else image.size
            if target != image.size:
                image = image.resize(target, Image.Resampling.LANCZOS)
            rgba = np.asarray(image)
    except Image.DecompressionBombError:
        raise BadInput(f"This {label} is too large to open (over {2 * Image.MAX_IMAGE_PIXELS:,} pixels).") from None
    except Exception:
        raise BadInput(f"This {label} is damaged or incomplete and cannot be read.") from None
    return np.ascontiguousarray(rgba)


def encode_png(pixels: np.ndarray) -> bytes:
    """Encode uint8 [H, W] as a grayscale PNG or [H, W, 4] as an RGBA PNG."""
    if pixels.dtype != np.uint8 or not (pixels.ndim == 2 or (pixels.ndim == 3 and pixels.shape[2] == 4)):
        raise ValueError(f"expected uint8 [H, W] or [H, W, 4], got {pixels.dtype} {list(pixels.shape)}")
    buffer = io.BytesIO()
    # Level 3: measured at 12 MP, half the time of the default 6 for the same size.
    Image.fromarray(np.ascontiguousarray(pixels)).save(buffer, "PNG", compress_level=3)
    return buffer.getvalue()


class NativeEngine:
    """Runs a pipeline model (``fast`` or ``quality``) with onnxruntime on the CPU.

    ``views`` is 1, or BEST_VIEWS for best edges (twice the work).
    """

    def __init__(self, model: str = DEFAULT_MODEL, threads: int | None = None, views: int = 1, size: int = MODEL_SIZE):
        self.choice = model_choice(model)
        self.threads = threads
        self.views = views
        self.size = size  # the working size ISNet sees (size²)
        self._session = None
        self._lock = threading.Lock()  # one session even if two threads ask at once

    @property
    def model_path(self) -> Path:
        """Where this engine's model file is expected."""
        return find_model_dir() / self.choice.file

    def _get_session(self):
        with self._lock:
            if self._session is None:
                self._session = self._load_session()
            return self._session

    def _load_session(self):
        import onnxruntime as ort

        path = self.model_path
        if not path.is_file():
            raise ModelLoadError(f"The model file {path} is missing: run `make build` first.")
        options = ort.SessionOptions()
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 4  # failures reach the caller as InferenceError, not as log spam
        # On x86 without VNNI (AVX2, AVX-512 without VNNI) onnxruntime's fast u8s8 integer kernels
        # saturate, and the int8 model's alpha is off by up to 128/255 on ~0.2% of pixels. The exact
        # u8u8 kernels give WASM's alpha to the bit (~20% slower there; no effect on VNNI machines).
        options.add_session_config_entry("session.x64quantprecision", "1")
        if self.threads:
            options.intra_op_num_threads = self.threads
        try:
            return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        except Exception as exc:
            raise ModelLoadError(f"The model file {path} could not be loaded: {_first_line(exc)}") from exc

    def _run(self, outputs: list[str], rgba: np.ndarray) -> list[np.ndarray]:
        if rgba.dtype != np.uint8 or rgba.ndim != 3 or rgba.shape[2] != 4:
            raise ValueError(f"expected RGBA uint8 [H, W, 4], got {rgba.dtype} {list(rgba.shape)}")
        session = self._get_session()
        try:
            size = np.array([self.size, self.size], np.int64)
            views = np.array([self.views], np.int64)
            return session.run(outputs, {"rgba": np.ascontiguousarray(rgba), "size": size, "views": views})
        except Exception as exc:
            raise InferenceError(f"The {self.choice.name} model failed on this image: {_first_line(exc)}") from exc

    def alpha(self, rgba: np.ndarray) -> np.ndarray:
        """The subject's opacity, uint8 [H, W]: 255 is subject, 0 is background."""
        (alpha,) = self._run(["alpha"], rgba)
        return alpha

    def cutout(self, rgba: np.ndarray) -> np.ndarray:
        """The image with its background made transparent, uint8 [H, W, 4].

        On the soft edge the colours are the subject's own, without the old background's tint.

        Fully transparent pixels are black, as in the browser's export: the old background
        must not hide under alpha 0 (privacy), and the PNG gets about half as large.
        """
        cutout = compose_cutout(rgba, *self._run(["alpha", "edge_index", "edge_colour"], rgba))
        cutout[cutout[..., 3] == 0] = 0
        return cutout


def compose_cutout(rgba: np.ndarray, alpha: np.ndarray, edge_index: np.ndarray, edge_colour: np.ndarray) -> np.ndarray:
    """The photo with the model's alpha, and on its semi-transparent edge the subject's own colours
    (the pipeline's outputs; onnxruntime's worker does the same in the browser)."""
    cutout = rgba.copy()
    cutout[..., 3] = alpha
    cutout.reshape(-1, 4)[edge_index, :3] = edge_colour
    return cutout


def _first_line(exc: Exception) -> str:
    """onnxruntime messages run over many lines; the first says what went wrong."""
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class NativePort:
    """The native engine behind the engine port (core.engine.Engine): bytes in, a PNG CutResult out.

    The work runs in a thread, so the queue's event loop stays free to take a cancel.
    """

    def __init__(self, threads: int | None = None) -> None:
        self._threads = threads
        self._engines: dict[tuple[str, int, int], NativeEngine] = {}

    def _engine(self, model: str, views: int, size: int = MODEL_SIZE) -> NativeEngine:
        key = (model, views, size)
        if key not in self._engines:
            self._engines[key] = NativeEngine(model, threads=self._threads, views=views, size=size)
        return self._engines[key]

    def prewarm(self, model: str) -> None:
        """Sessions load on first use natively: nothing to start early."""

    async def is_cached(self, model: str) -> bool:
        return self._engine(model, 1).model_path.is_file()

    def idle(self) -> None:
        """Native memory is given back as it is freed: nothing to do."""

    async def cut(self, image: bytes, options, progress, abort):
        if options.output == "editor":
            raise ValueError("the native engine writes files: ask for 'cutout' or 'mask'")
        started = time.perf_counter()
        progress("decode", None)
        rgba = await asyncio.to_thread(decode_image, image, "", WORKING_MEGAPIXELS)  # as the page does
        decoded = time.perf_counter()
        abort.check()
        progress("inference", None)
        engine = self._engine(options.model, options.views, options.size)
        pixels = await asyncio.to_thread(engine.alpha if options.output == "mask" else engine.cutout, rgba)
        inferred = time.perf_counter()
        abort.check()
        progress("encode", None)
        png = await asyncio.to_thread(encode_png, pixels)
        ms = lambda seconds: round(seconds * 1000)
        timings = {"decode_ms": ms(decoded - started), "inference_ms": ms(inferred - decoded),
                   "encode_ms": ms(time.perf_counter() - inferred), "total_ms": ms(time.perf_counter() - started)}
        return CutResult(png, rgba.shape[1], rgba.shape[0], timings)
