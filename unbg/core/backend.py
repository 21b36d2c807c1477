"""Where a model runs in the page: on the GPU (WebGPU) or on the CPU (WebAssembly), decided once.

A software adapter (SwiftShader, WARP: ``isFallbackAdapter``) ran ISNet about 100× slower than
WebAssembly here, so it is used only when the URL asks for it (``?backend=webgpu``).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs

from .models import DEFAULT_MODEL, MODELS

WASM = "wasm"
WEBGPU = "webgpu"
BACKENDS = (WASM, WEBGPU)


@dataclass(frozen=True)
class Adapter:
    """What the page learnt of navigator.gpu's adapter."""

    fallback: bool  # a software adapter


def requested_backend(query: str) -> str | None:
    """``?backend=webgpu`` (or ``wasm``) in the page's URL, else None."""
    given = parse_qs(query.lstrip("?")).get("backend", [None])[-1]
    return given if given in BACKENDS else None


def page_backend(requested: str | None, adapter: Adapter | None) -> str:
    """WebGPU where there is an adapter and it is hardware, or the URL asked for it; else WASM."""
    if adapter is None or requested == WASM:
        return WASM
    if requested == WEBGPU or not adapter.fallback:
        return WEBGPU
    return WASM


def model_backend(model: str, backend: str) -> str:
    """Where ``model`` runs on a page using ``backend`` (the int8 model runs on the CPU everywhere)."""
    return WEBGPU if backend == WEBGPU and MODELS[model].gpu else WASM


def default_model(backend: str) -> str:
    """The fastest good model for the page: with a GPU, the one that runs there."""
    if backend == WEBGPU:
        return next(name for name, choice in MODELS.items() if choice.gpu)
    return DEFAULT_MODEL


class BackendFallback:
    """Which models have failed on the GPU: they run on WASM for the rest of the page's life."""

    def __init__(self, backend: str) -> None:
        self.backend = backend
        self._failed: set[str] = set()

    def for_model(self, model: str) -> str:
        return WASM if model in self._failed else model_backend(model, self.backend)

    def failed(self, model: str) -> bool:
        """Note that ``model`` failed on its backend; True if it now runs elsewhere (try again)."""
        if self.for_model(model) == WASM:
            return False
        self._failed.add(model)
        return True
