"""The "best edges" switch: the model also sees each photo mirrored, for twice the time."""

from __future__ import annotations

from unbg.core import actions
from unbg.web import dom


class BestToggle:
    def __init__(self, root, store) -> None:
        self._root = root  # <input type=checkbox>
        self._events = dom.Disposables()
        self._events.listen(root, "change", lambda event: actions.choose_best(store, root.checked))
        self._events.add(store.subscribe(self._render))

    def _render(self, state: dict) -> None:
        self._root.checked = state["best"]

    def dispose(self) -> None:
        self._events.dispose()
