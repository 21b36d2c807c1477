"""Honest speed labels for the model picker: measured on this device where possible."""

from __future__ import annotations

from .models import MODELS

# Browser inference time of each model relative to quality's, from `make bench` (2-core machine;
# fast took 0.46–0.72 of quality's time over several runs, 0.61–0.63 in the latest).
RELATIVE_TIME = {"quality": 1.0, "fast": 0.6}


def _seconds(ms: float) -> str:
    seconds = ms / 1000
    return f"{seconds:.1f} s" if seconds < 3 else f"{seconds:.0f} s"


def speed_label(model: str, measured_ms: dict[str, float]) -> str:
    """How long ``model`` takes per photo: measured here, else estimated from another model
    measured here, else how it compares with the other model."""
    if measured_ms.get(model):
        return f"~{_seconds(measured_ms[model])} here"
    for other, ms in measured_ms.items():
        if other in RELATIVE_TIME and ms:
            return f"~{_seconds(ms * RELATIVE_TIME[model] / RELATIVE_TIME[other])} here (estimate)"
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
