"""Erase and restore brushes on the full-resolution mask, with mouse, pen and touch.

Coalesced pointer events make fast strokes continuous; pointer capture keeps a stroke
when it leaves the frame; pointercancel (or a second finger) drops the stroke; a pen
down or a palm-sized contact makes touch ignored.
"""

from __future__ import annotations

from unbg.core import actions
from unbg.core.brush import BrushStroke, PointerPolicy, dabs, end_dab
from unbg.web import dom

PAINT_MEASURE = "unbg:paint"  # input-to-paint time of each pointer event, read by `make bench`


class BrushCanvas:
    def __init__(self, frame, store, layers) -> None:
        """``layers``: the web.layers.PhotoLayers service the strokes are painted on."""
        self._frame = frame
        self._store = store
        self._layers = layers
        self._cursor = dom.find("[data-testid=brush-cursor]", frame)
        self._policy = PointerPolicy()
        self._stroke_pointer = None
        self._points: list[tuple[float, float, float]] = []
        self._pointer_type = "mouse"
        self._carry = None
        self._state: dict = {}
        events = self._events = dom.Disposables()
        events.listen(frame, "pointerdown", self._on_down)
        events.listen(frame, "pointermove", self._on_move)
        events.listen(frame, "pointerup", self._on_up)
        events.listen(frame, "pointercancel", self._on_cancel)
        events.listen(frame, "pointerleave", self._on_leave)
        events.add(store.subscribe(self._render))

    def _render(self, state: dict) -> None:
        self._state = state
        editing = state["tool"] != "compare" and state["result"] is not None
        self._frame.classList.toggle("editing", editing)
        size = state["brush_size"]
        self._cursor.style.width = self._cursor.style.height = f"{size}px"
        if not editing:
            dom.show(self._cursor, False)
        if self._stroke_pointer is not None and not editing:
            self._abort()

    def _image_point(self, event, rect) -> tuple[float, float, float]:
        x, y = self._state["view"].to_image(event.clientX - rect.left, event.clientY - rect.top)
        return x, y, event.pressure

    def _move_cursor(self, event, rect) -> None:
        self._cursor.style.transform = f"translate({event.clientX - rect.left}px, {event.clientY - rect.top}px)"
        dom.show(self._cursor, True)

    def _on_down(self, event) -> None:
        state = self._state
        if state.get("tool", "compare") == "compare" or state["result"] is None or state["view"] is None:
            return
        role = self._policy.down(event.pointerId, event.pointerType, event.width, event.height)
        if role == "gesture":  # a second finger: this is a pinch, not a stroke
            self._abort()
            return
        if role != "paint" or self._stroke_pointer is not None or event.button not in (0, -1):
            return
        event.preventDefault()
        self._frame.setPointerCapture(event.pointerId)
        self._stroke_pointer = event.pointerId
        self._pointer_type = event.pointerType
        self._points = [self._image_point(event, self._frame.getBoundingClientRect())]
        self._carry = None
        self._paint(self._points, event)

    def _on_move(self, event) -> None:
        if self._state.get("tool", "compare") == "compare":
            return
        rect = self._frame.getBoundingClientRect()  # once per event: each call may force a layout
        self._move_cursor(event, rect)
        if event.pointerId != self._stroke_pointer:
            return
        coalesced = event.getCoalescedEvents() if hasattr(event, "getCoalescedEvents") else None
        samples = [coalesced[i] for i in range(coalesced.length)] if coalesced and coalesced.length else [event]
        new_points = [self._image_point(sample, rect) for sample in samples]
        segment = [self._points[-1], *new_points]
        self._points.extend(new_points)
        self._paint(segment, event)

    def _paint(self, segment, event) -> None:
        radius = self._state["brush_size"] / 2 / self._state["view"].scale
        new_dabs, self._carry = dabs(segment, radius, self._pointer_type, self._carry)
        self._layers.paint(new_dabs, self._mode(), self._state["hardness"])
        dom.measure_since(PAINT_MEASURE, event.timeStamp)

    def _mode(self) -> str:
        return "erase" if self._state["tool"] == "erase" else "restore"

    def _on_up(self, event) -> None:
        self._policy.up(event.pointerId, event.pointerType)
        if event.pointerId != self._stroke_pointer:
            return
        self._stroke_pointer = None
        radius = self._state["brush_size"] / 2 / self._state["view"].scale
        self._layers.paint(end_dab(self._points, radius, self._pointer_type, self._carry), self._mode(), self._state["hardness"])
        stroke = BrushStroke(self._mode(), radius, self._state["hardness"], tuple(self._points), self._pointer_type)
        self._layers.live_stroke_done(stroke)
        actions.stroke_finished(self._store, stroke)

    def _on_cancel(self, event) -> None:
        self._policy.up(event.pointerId, event.pointerType)
        if event.pointerId == self._stroke_pointer:
            self._abort()

    def _on_leave(self, event) -> None:
        if event.pointerType == "mouse":
            dom.show(self._cursor, False)

    def _abort(self) -> None:
        """Drop the stroke in progress: the mask goes back to the kept strokes."""
        if self._stroke_pointer is None:
            return
        self._stroke_pointer = None
        self._layers.replay(self._state["strokes"])

    def dispose(self) -> None:
        self._events.dispose()
