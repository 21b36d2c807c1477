"""The cut-out on a checkerboard, with its download link."""

from __future__ import annotations

from . import dom


class ResultView:
    def __init__(self, root, store) -> None:
        self._root = root
        self._image = dom.find("[data-testid=result-image]", root)
        self._download = dom.find("[data-testid=download]", root)
        self._size = dom.find("[data-testid=result-size]", root)
        self._unsubscribe = store.subscribe(self._render)

    def _render(self, state: dict) -> None:
        result = state["result"]
        dom.show(self._root, result is not None)
        if result is None:
            return
        if self._image.getAttribute("src") != result["url"]:
            self._image.src = result["url"]
            self._image.alt = f"{result['name']} without its background"
            self._download.href = result["url"]
            self._download.download = result["name"]
            self._size.textContent = f"{result['width']} × {result['height']} px · {result['timings']['total_ms'] / 1000:.1f} s"

    def dispose(self) -> None:
        self._unsubscribe()
