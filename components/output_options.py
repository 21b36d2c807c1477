"""What the downloads are made as: format, the colour behind a JPEG, crop to the subject and its margin.

One set of choices for the editor's download and the batch's alike.
"""

from __future__ import annotations

from unbg.core import actions
from unbg.web import dom


class OutputOptions:
    def __init__(self, root, store) -> None:
        self._format = dom.find("[data-testid=export-format]", root)
        self._background = dom.find("[data-testid=background]", root)
        self._crop = dom.find("[data-testid=crop]", root)
        self._margin = dom.find("[data-testid=crop-margin]", root)
        events = self._events = dom.Disposables()
        set_options = lambda **options: actions.set_export_options(store, **options)
        events.listen(self._format, "change", lambda event: set_options(export_format=self._format.value))
        events.listen(self._background, "input", lambda event: set_options(background=self._background.value))
        events.listen(self._crop, "change", lambda event: set_options(crop=bool(self._crop.checked)))
        events.listen(self._margin, "input", lambda event: set_options(crop_margin=int(self._margin.value or 0)))
        events.add(store.subscribe(self._render))

    def _render(self, state: dict) -> None:
        self._format.value = state["export_format"]
        self._background.value = state["background"]
        self._crop.checked = state["crop"]
        self._margin.disabled = not state["crop"]

    def dispose(self) -> None:
        self._events.dispose()
