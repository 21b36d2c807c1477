"""Honest speed labels for the model picker: measured on this device where possible."""

from __future__ import annotations

from .backend import WASM
from .models import MODELS

# Browser inference time of each model relative to quality's, from `make bench` (2-core machine;
# fast took 0.46–0.72 of quality's time over several runs, 0.61–0.63 in the latest).
RELATIVE_TIME = {"quality": 1.0, "fast": 0.6}


def _seconds(ms: float) -> str:
    seconds = ms / 1000
    return f"{seconds:.1f} s" if seconds < 3 else f"{seconds:.0f} s"


def speed_key(model: str, backend: str = WASM) -> str:
    """What a model's time is remembered by: on the GPU it is another speed."""
    return model if backend == WASM else f"{model}@{backend}"


def speed_label(model: str, measured_ms: dict[str, float], backends: dict[str, str] | None = None) -> str:
    """How long ``model`` takes per photo: measured here, else estimated from another model
    measured here on the same backend, else how it compares with the other model (when both run
    on the CPU; a GPU's speed is not guessed: empty until measured). ``backends``: where each runs."""
    backends = backends or {name: WASM for name in MODELS}
    mine = speed_key(model, backends[model])
    if measured_ms.get(mine):
        return f"~{_seconds(measured_ms[mine])} here"
    for other in MODELS:
        ms = measured_ms.get(speed_key(other, backends[other]))
        if other != model and backends[other] == backends[model] and ms:
            return f"~{_seconds(ms * RELATIVE_TIME[model] / RELATIVE_TIME[other])} here (estimate)"
    if set(backends.values()) != {WASM}:
        return ""
    fastest = min(RELATIVE_TIME[name] for name in MODELS)
    slowest = max(RELATIVE_TIME[name] for name in MODELS)
    if RELATIVE_TIME[model] == fastest:
        return f"about {slowest / fastest:.0f}× faster"
    return f"about {RELATIVE_TIME[model] / fastest:.0f}× slower"


def remember(measured_ms: dict[str, float], model: str, inference_ms: float) -> dict[str, float]:
    """The measurements with ``model``'s newest time folded in (a running average, so one
    slow photo does not swing the label)."""
    previous = measured_ms.get(model)
    value = inference_ms if not previous else 0.7 * previous + 0.3 * inference_ms
    return {**measured_ms, model: round(value)}
