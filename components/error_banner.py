"""Shows what went wrong in words a person can act on; the app stays usable."""

from __future__ import annotations

from unbg.web import dom


class ErrorBanner:
    def __init__(self, root, store) -> None:
        self._root = root
        self._message = dom.find("[data-testid=error-message]", root)
        self._unsubscribe = store.subscribe(self._render)

    def _render(self, state: dict) -> None:
        error = state["error"]
        dom.show(self._root, error is not None)
        self._message.textContent = error or ""

    def dispose(self) -> None:
        self._unsubscribe()
