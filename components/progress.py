"""What is happening now: the model download in %, then the named stage."""

from __future__ import annotations

from unbg import actions
from unbg.actions import STAGE_LABELS

from . import dom


class Progress:
    def __init__(self, root, store) -> None:
        self._root = root
        self._bar = dom.find("progress", root)
        self._label = dom.find("[data-testid=progress-label]", root)
        self._preview = dom.find("[data-testid=preview]", root)
        self._previews_shown = 0
        self._shown_image = None
        self._events = dom.Disposables()
        self._events.listen(dom.find("[data-testid=cancel]", root), "click", lambda event: actions.cancel_job(store))
        self._events.add(store.subscribe(self._render))

    def _render(self, state: dict) -> None:
        stage = state["stage"]
        dom.show(self._root, stage is not None)
        self._render_preview(state["preview"])
        if stage is None:
            return
        self._root.dataset.stage = stage
        fraction = state["model_progress"]
        if stage == "model" and fraction is not None and fraction < 1:
            self._bar.value = fraction
            self._label.textContent = f"{STAGE_LABELS['model']} … {fraction * 100:.0f}%"
        else:
            self._bar.removeAttribute("value")  # indeterminate: the stage has no measurable progress
            self._label.textContent = f"{STAGE_LABELS[stage]} …"

    def _render_preview(self, image) -> None:
        """The quick low-resolution cut-out, until the full one replaces it."""
        dom.show(self._preview.parentElement, image is not None)
        if image is None or image is self._shown_image:
            return
        self._shown_image = image
        self._preview.width, self._preview.height = image.width, image.height
        self._preview.getContext("2d").putImageData(image, 0, 0)
        self._previews_shown += 1
        self._root.dataset.previewsShown = str(self._previews_shown)

    def dispose(self) -> None:
        self._events.dispose()
