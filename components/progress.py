"""What is happening now: the model download in %, then the named stage, and the quick preview."""

from __future__ import annotations

from typing import Callable

from unbg.core.state import STAGE_LABELS
from unbg.web import dom


class Progress:
    def __init__(self, root, store, on_cancel: Callable[[], None]) -> None:
        self._root = root
        self._bar = dom.find("progress", root)
        self._label = dom.find("[data-testid=progress-label]", root)
        self._preview = dom.find("[data-testid=preview]", root)
        self._events = dom.Disposables()
        self._events.listen(dom.find("[data-testid=cancel]", root), "click", lambda event: on_cancel())
        self._events.add(store.subscribe(self._render))

    def _render(self, state: dict) -> None:
        stage = state["stage"]
        dom.show(self._root, stage is not None)
        dom.show(self._preview.parentElement, state["preview"])  # the preview layer draws on it
        self._root.dataset.previewsShown = str(state["previews_shown"])
        if stage is None:
            return
        self._root.dataset.stage = stage
        fraction = state["model_progress"]
        if stage == "model" and fraction is not None and fraction < 1:
            self._bar.value = fraction
            damaged = state["model_damaged"] == state["model"]
            label = "The saved model was damaged: downloading it again" if damaged else STAGE_LABELS["model"]
            self._label.textContent = f"{label} … {fraction * 100:.0f}%"
        else:
            self._bar.removeAttribute("value")  # indeterminate: the stage has no measurable progress
            self._label.textContent = f"{STAGE_LABELS[stage]} …"

    def dispose(self) -> None:
        self._events.dispose()
