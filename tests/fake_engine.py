"""A fake engine behind the engine port, for driving the queue and its services natively."""

from __future__ import annotations

import asyncio

from unbg.core import BadInput, CutResult, InferenceError, ModelLoadError


class FakeEngine:
    """``image`` says what happens: "ok", "bad" (BadInput), "bug" (a plain exception), "too much"
    (InferenceError), "gate" (waits until ``release()``) or "gated bug" (waits, then a plain exception); every cut fails with ModelLoadError while ``offline``. Records what
    it ran and how many cuts ran at once."""

    def __init__(self) -> None:
        self.started: list[str] = []
        self.finished: list[str] = []
        self.prewarmed: list[str] = []
        self.idled: list[list[str]] = []  # what had finished each time the queue had nothing left
        self.running = self.most_at_once = 0
        self.offline = False
        self._gate = asyncio.Event()
        self.on_model_progress = self.on_model_ready = self.on_model_damaged = None

    def release(self) -> None:
        self._gate.set()

    def prewarm(self, model: str) -> None:
        self.prewarmed.append(model)

    def idle(self) -> None:
        self.idled.append(list(self.finished))

    async def is_cached(self, model: str) -> bool:
        return True

    async def cut(self, image, options, progress, abort):
        self.started.append(image)
        self.running += 1
        self.most_at_once = max(self.most_at_once, self.running)
        try:
            progress("decode", None)
            await asyncio.sleep(0)
            if image in ("gate", "gated bug"):
                await self._gate.wait()
            if self.offline:
                raise ModelLoadError("The fast model could not be loaded (Failed to fetch).")
            if image == "bad":
                raise BadInput("not an image")
            if image in ("bug", "gated bug"):
                raise RuntimeError("a bug")
            if image == "too much":
                raise InferenceError("The model failed on this image (out of memory).")
            abort.check()
            progress("inference", None)
            await asyncio.sleep(0)
            return CutResult(f"png of {image}", 4, 3, {"total_ms": 1})
        finally:
            self.running -= 1
            self.finished.append(image)
