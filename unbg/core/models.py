"""The models unbg offers, by the name a person picks."""

from __future__ import annotations

from dataclasses import dataclass

MODEL_DIR = "assets/models"  # relative to the project root and to the served site
MODEL_CACHE = "unbg-models-v1"  # the browser's Cache Storage for the models' bytes
MODEL_SIZE = 1024  # the working size ISNet was trained at: every full pass runs at 1024²
# "Best edges": ISNet also sees the photo mirrored and the two masks are averaged, for twice
# the work. On ../shared/eval with the fast model: MAE 0.0500 → 0.0488, boundary F 0.833 → 0.845.
BEST_VIEWS = 2
# The preview's working size, a multiple of 64: 1/16 of the full pass's work, shown in under a second.
PREVIEW_SIZE = 256
SIZE_STEP = 64  # ISNet halves its resolution six times: a working size is a multiple of 64
WORKING_SIZES = f"a multiple of {SIZE_STEP} from {SIZE_STEP} to {MODEL_SIZE}"  # what the API and the CLI say


def is_working_size(size) -> bool:
    """Whether ``size`` is a working size ISNet can run at (an int, not a bool)."""
    if not isinstance(size, int) or isinstance(size, bool):
        return False
    return size % SIZE_STEP == 0 and SIZE_STEP <= size <= MODEL_SIZE


@dataclass(frozen=True)
class ModelChoice:
    name: str  # what the UI, CLI and message API call it
    isnet: str  # the model in @imgly/background-removal-data
    file: str  # the pipeline model written by the build, under MODEL_DIR
    label: str
    int8: bool = False  # statically quantized by the build (see unbg/quantize.py)
    # Runs on WebGPU where the page has a GPU (see unbg/build/float32.py); int8 stays a WASM model:
    # onnxruntime's WebGPU provider has no integer convolution.
    gpu: bool = False


MODELS = {
    # ISNet medium in int8: half the download of its float16 original and about twice as fast in
    # the browser, with edges as good (on ../shared/eval: MAE 0.0500 vs 0.0533, boundary F 0.833
    # vs 0.828, edge colour 0.0458 vs 0.0465). The default.
    "fast": ModelChoice("fast", "medium", "fast.onnx", "Fast (ISNet int8, 47 MB)", int8=True),
    # The float16 original, for photos unlike the ones the int8 model was calibrated on; the one a GPU runs.
    "quality": ModelChoice("quality", "medium", "quality.onnx", "Full precision (ISNet, 88 MB)", gpu=True),
}
DEFAULT_MODEL = "fast"


def model_choice(name: str | None) -> ModelChoice:
    """The model called ``name`` (the default when None); ValueError names the choices."""
    try:
        return MODELS[name or DEFAULT_MODEL]
    except KeyError:
        raise ValueError(f"unknown model {name!r}: choose {' or '.join(MODELS)}") from None


def model_url_path(entry: dict) -> str:
    """Where the page asks for a model of models.json (the page caches it by this; the worker prunes by it)."""
    return f"{MODEL_DIR}/{entry['file']}?v={entry['sha256'][:16]}"  # a new build, a new cache key


def view_count(best: bool) -> int:
    """How many views of the photo ISNet gets: BEST_VIEWS for best edges, else one."""
    return BEST_VIEWS if best else 1
