"""The engine port: what the queue asks of any engine (browser, native, or a fake in tests)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

from .errors import BadInput, Cancelled
from .models import DEFAULT_MODEL, MODEL_SIZE, MODELS

OUTPUTS = ("editor", "cutout", "mask")  # editor: pixels for the editor; cutout, mask: a PNG file

# progress(stage, value): stage is one of state.STAGES, or "preview" with a quick low-resolution
# cut-out as the value (only when CutOptions.preview asks for one).
Progress = Callable[[str, Any], None]


@dataclass(frozen=True)
class CutOptions:
    model: str = DEFAULT_MODEL
    views: int = 1  # 1, or BEST_VIEWS for best edges
    output: str = "cutout"
    preview: bool = False
    thumbnail: int = 0  # the long side of a small picture of the cut-out to make too, in px; 0: none
    size: int = MODEL_SIZE  # the working size ISNet sees (size²): smaller is faster and coarser

    def __post_init__(self) -> None:
        if self.model not in MODELS:
            raise BadInput(f"Unknown model {self.model!r}: use {' or '.join(repr(name) for name in MODELS)}.")
        if self.output not in OUTPUTS:
            raise BadInput(f"Unknown output {self.output!r}: ask for 'cutout' or 'mask'.")


@dataclass
class CutResult:
    """A cut-out as a file: a PNG (the cut-out with alpha, or the mask) and its size."""

    file: Any  # a Blob in the browser, bytes natively
    width: int
    height: int
    timings: dict = field(default_factory=dict)
    thumbnail: str | None = None  # a URL of the small picture CutOptions.thumbnail asked for
    scaled_from: tuple[int, int] | None = None  # the photo's own size, if it was cut scaled down
    notes: tuple[str, ...] = ()  # what the person should know of how the photo was read (scaled down, animated)


class AbortSignal:
    """Set once by whoever cancels; the engine checks it between stages, the queue awaits it."""

    def __init__(self) -> None:
        self.aborted = False
        self._waiters: list[asyncio.Future] = []

    def abort(self) -> None:
        if self.aborted:
            return
        self.aborted = True
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)

    def check(self) -> None:
        """Raise Cancelled if the job was cancelled."""
        if self.aborted:
            raise Cancelled("Cancelled.")

    async def wait(self) -> None:
        if self.aborted:
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        finally:
            self._waiters.remove(waiter)


class Engine(Protocol):
    """Cuts out one image. Raises UnbgError subclasses a person can act on."""

    def prewarm(self, model: str) -> None:
        """Start loading ``model`` without waiting for it."""

    async def is_cached(self, model: str) -> bool:
        """Whether ``model`` loads without a download."""

    async def cut(self, image: Any, options: CutOptions, progress: Progress, abort: AbortSignal) -> Any:
        """A CutResult, or for ``output="editor"`` the engine's pixels for the editor."""

    def idle(self) -> None:
        """No job is waiting: the engine may give back what its runs left behind."""
