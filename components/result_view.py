"""Shows the editor once there is a cut-out, with the photo's size and how long it took."""

from __future__ import annotations

import json

from unbg.web import dom


class ResultView:
    def __init__(self, root, store) -> None:
        self._root = root
        self._size = dom.find("[data-testid=result-size]", root)
        self._notes = dom.find("[data-testid=result-notes]", root)
        self._shown = None
        self._unsubscribe = store.subscribe(self._render)

    def _render(self, state: dict) -> None:
        result = state["result"]
        dom.show(self._root, result is not None)
        if result is not None and result is not self._shown:
            self._shown = result
            seconds = result["timings"]["total_ms"] / 1000
            self._size.textContent = f"{result['width']} × {result['height']} px · cut out in {seconds:.1f} s"
            self._notes.textContent = " ".join(result.get("notes") or ())  # e.g. scaled down: the download is smaller
            dom.show(self._notes, bool(result.get("notes")))
            self._size.dataset.timings = json.dumps(result["timings"])  # read by `make bench`
            if len(state["items"]) > 1:  # opened from the batch list: the editor may be below the fold
                self._root.scrollIntoView(dom.js_object({"block": "start"}))

    def dispose(self) -> None:
        self._unsubscribe()
