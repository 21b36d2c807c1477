"""Shows what went wrong in words a person can act on; the app stays usable."""

from __future__ import annotations

from unbg.web import dom


class ErrorBanner:
    """With a Retry when the model could not be downloaded: the photos that failed on it run again."""

    def __init__(self, root, store, service) -> None:
        self._root = root
        self._message = dom.find("[data-testid=error-message]", root)
        self._retry = dom.find("[data-testid=error-retry]", root)
        self._events = dom.Disposables()
        self._events.listen(self._retry, "click", lambda event: service.retry_model_failures())
        self._events.add(store.subscribe(self._render))

    def _render(self, state: dict) -> None:
        error = state["error"]
        dom.show(self._root, error is not None)
        self._message.textContent = error or ""
        dom.show(self._retry, error is not None and state["error_retry"])

    def dispose(self) -> None:
        self._events.dispose()
