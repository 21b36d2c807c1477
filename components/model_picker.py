"""Choose between the quality and the fast model, with honest download sizes."""

from __future__ import annotations

from unbg import actions

from . import dom


class ModelPicker:
    def __init__(self, root, store, manifest: dict) -> None:
        self._root = root
        self._store = store
        for name, entry in manifest.items():
            option = dom.find(f"option[value={name}]", root)
            option.textContent = f"{entry['label'].split(' (')[0]} · {entry['bytes'] / 1e6:.0f} MB"
        self._events = dom.Disposables()
        self._events.listen(root, "change", self._on_change)
        self._events.add(store.subscribe(self._render))

    def _on_change(self, event) -> None:
        actions.choose_model(self._store, self._root.value)

    def _render(self, state: dict) -> None:
        self._root.value = state["model"]

    def dispose(self) -> None:
        self._events.dispose()
