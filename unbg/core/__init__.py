"""The pure core: standard library only, shipped to the browser whole and run natively too."""

from .engine import AbortSignal, CutOptions, CutResult, Engine
from .errors import BadInput, BadRequest, Cancelled, InferenceError, InternalError, ModelLoadError, UnbgError, error_code
from .jobs import Job, JobQueue
from .models import BEST_VIEWS, DEFAULT_MODEL, MODELS, model_choice, view_count
from .store import Store

__all__ = [
    "AbortSignal", "CutOptions", "CutResult", "Engine",
    "BadInput", "BadRequest", "Cancelled", "InferenceError", "InternalError", "ModelLoadError", "UnbgError", "error_code",
    "Job", "JobQueue",
    "BEST_VIEWS", "DEFAULT_MODEL", "MODELS", "model_choice", "view_count",
    "Store",
]
