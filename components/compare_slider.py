"""Before/after of the same photo: a split handle (pointer and keyboard), zoom and pan.

Both sides are drawn at the store's one view (web.screens), so zoom and pan stay in sync; the
split is a fraction of the frame's width, so it survives resizes.
"""

from __future__ import annotations

import math

from unbg.core import actions
from unbg.core.brush import PointerPolicy
from unbg.core.viewport import pan, pinch, zoom_at
from unbg.web import dom

KEY_STEPS = {"ArrowLeft": -0.01, "ArrowDown": -0.01, "ArrowRight": 0.01, "ArrowUp": 0.01, "PageDown": -0.1, "PageUp": 0.1}
WHEEL_ZOOM = 0.0015  # per wheel delta unit: one notch (100) zooms by ~16%


class CompareSlider:
    def __init__(self, frame, store) -> None:
        self._frame = frame
        self._store = store
        self._handle = dom.find("[data-testid=split-handle]", frame)
        self._before_layer = dom.find(".before-layer", frame)
        self._after_layer = dom.find(".after-layer", frame)
        self._dragging_split = None
        self._pointers: dict[int, tuple[float, float]] = {}  # pointers down on the frame, frame coords
        self._policy = PointerPolicy()  # a hand resting beside a pen, or a palm, neither pans nor zooms
        self._state: dict = {}
        events = self._events = dom.Disposables()
        events.listen(self._handle, "pointerdown", self._on_handle_down)
        events.listen(self._handle, "pointermove", self._on_handle_move)
        events.listen(self._handle, "pointerup", self._on_handle_up)
        events.listen(self._handle, "pointercancel", self._on_handle_up)
        events.listen(self._handle, "keydown", self._on_key)
        events.listen(frame, "wheel", self._on_wheel, passive=False)
        events.listen(frame, "pointerdown", self._on_down)
        events.listen(frame, "pointermove", self._on_move)
        events.listen(frame, "pointerup", self._on_up)
        events.listen(frame, "pointercancel", self._on_up)
        events.add(dom.ResizeWatcher(frame, self._on_resize).dispose)
        events.add(store.subscribe(self._render))

    # -- geometry ------------------------------------------------------------
    def _frame_point(self, event) -> tuple[float, float]:
        rect = self._frame.getBoundingClientRect()
        return event.clientX - rect.left, event.clientY - rect.top

    def _fit_scale(self) -> float:
        return actions.fit_scale(self._state)

    # -- rendering -----------------------------------------------------------
    def _render(self, state: dict) -> None:
        self._state = state
        if state["result"] is None:
            return
        view = state["view"]
        if view is None:  # a new cut-out: measure the frame now, so the photo is fitted before it shows
            self._on_resize()
            return
        result = state["result"]
        # Where the photo is in the frame, in CSS pixels: what people's scripts and the tests aim at.
        self._frame.dataset.photoRect = (f"{view.tx:.3f} {view.ty:.3f} {result['width'] * view.scale:.3f} "
                                         f"{result['height'] * view.scale:.3f}")
        split = state["split"]
        self._frame.style.setProperty("--split", str(split))
        self._frame.dataset.zoom = f"{view.scale / self._fit_scale():.3f}"
        self._handle.setAttribute("aria-valuenow", str(round(split * 100)))
        self._handle.setAttribute("aria-valuetext", f"{round(split * 100)}% original")
        comparing = state["tool"] == "compare"
        dom.show(self._before_layer, comparing)
        dom.show(self._handle, comparing)
        on_colour = state["export_format"] == "jpeg"
        self._after_layer.classList.toggle("on-colour", on_colour)
        self._after_layer.style.backgroundColor = state["background"] if on_colour else ""

    def _on_resize(self) -> None:
        width, height = self._frame.clientWidth, self._frame.clientHeight
        if (width, height) != self._state.get("frame_size") or self._state.get("view") is None:
            actions.frame_resized(self._store, width, height)

    # -- the split handle ----------------------------------------------------
    def _split_at(self, event) -> None:
        rect = self._frame.getBoundingClientRect()
        actions.set_split(self._store, (event.clientX - rect.left) / max(rect.width, 1))

    def _on_handle_down(self, event) -> None:
        event.stopPropagation()  # the frame would start a pan
        event.preventDefault()
        self._handle.setPointerCapture(event.pointerId)
        self._dragging_split = event.pointerId
        self._split_at(event)

    def _on_handle_move(self, event) -> None:
        if self._dragging_split == event.pointerId:
            self._split_at(event)

    def _on_handle_up(self, event) -> None:
        if self._dragging_split == event.pointerId:
            self._dragging_split = None

    def _on_key(self, event) -> None:
        split = self._state["split"]
        if event.key in KEY_STEPS:
            step = KEY_STEPS[event.key] * (10 if event.shiftKey else 1)
            actions.set_split(self._store, round(split + step, 3))
        elif event.key == "Home":
            actions.set_split(self._store, 0)
        elif event.key == "End":
            actions.set_split(self._store, 1)
        else:
            return
        event.preventDefault()

    # -- zoom and pan --------------------------------------------------------
    def _on_wheel(self, event) -> None:
        view = self._state.get("view")
        if view is None:
            return
        event.preventDefault()
        factor = math.exp(-event.deltaY * WHEEL_ZOOM)
        actions.set_view(self._store, zoom_at(view, factor, *self._frame_point(event), self._fit_scale()))

    def _on_down(self, event) -> None:
        if self._state.get("view") is None or event.button not in (0, -1):
            return
        if self._policy.down(event.pointerId, event.pointerType, event.width, event.height) == "ignore":
            return
        self._pointers[event.pointerId] = self._frame_point(event)
        if self._state["tool"] == "compare":
            self._frame.setPointerCapture(event.pointerId)

    def _on_move(self, event) -> None:
        if event.pointerId not in self._pointers:
            return
        point = self._frame_point(event)
        view = self._state["view"]
        if len(self._pointers) >= 2:
            ids = list(self._pointers)[:2]
            if event.pointerId not in ids:
                return
            before = tuple(self._pointers[i] for i in ids)
            self._pointers[event.pointerId] = point
            after = tuple(self._pointers[i] for i in ids)
            actions.set_view(self._store, pinch(view, before, after, self._fit_scale()))
        elif self._state["tool"] == "compare":  # one pointer pans; in the editor it paints
            old = self._pointers[event.pointerId]
            self._pointers[event.pointerId] = point
            actions.set_view(self._store, pan(view, point[0] - old[0], point[1] - old[1]))
        else:
            self._pointers[event.pointerId] = point

    def _on_up(self, event) -> None:
        self._policy.up(event.pointerId, event.pointerType)
        self._pointers.pop(event.pointerId, None)

    def dispose(self) -> None:
        self._events.dispose()
