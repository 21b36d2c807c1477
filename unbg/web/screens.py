"""The editor's two visible canvases, the size of its frame: the photo and the cut-out drawn at the
view (zoom and pan).

Full-size canvases on the page cost its thread at each change: the compositor copies each whole
one (at 12 MP ~140 ms a canvas, so a ~280 ms frame after each new cut, measured in a trace). At
the frame's size a whole redraw takes 2-13 ms, and a brush dab redraws only the screen pixels it
touched.
"""

from __future__ import annotations

import math

import js

from . import dom


class Screens:
    def __init__(self, before_canvas, after_canvas) -> None:
        self._before, self._after = before_canvas, after_canvas
        self._view = None  # core.viewport.View: photo pixel (x, y) at frame point (x * scale + tx, ...)
        self._frame = None  # (width, height) in CSS pixels
        self._sources = None  # (photo ImageBitmap, colours ImageBitmap, mask canvas), full size

    def follow(self, state: dict) -> None:
        """Draw again when the view or the frame's size changed."""
        if (state["view"], state["frame_size"]) != (self._view, self._frame):
            self._view, self._frame = state["view"], state["frame_size"]
            self.draw()

    def show(self, photo, colour, mask) -> None:
        self._sources = (photo, colour, mask)
        self.draw()

    def clear(self) -> None:
        self._sources = None
        for screen in (self._before, self._after):
            screen.width = screen.height = 0

    def draw(self, box: tuple[float, float, float, float] | None = None) -> None:
        """Draw both screens whole, or only the cut-out's inside ``box`` (x0, y0, x1, y1 in photo
        pixels, a brush's). The cut-out is colours × mask drawn at the view; a box without mipmaps
        when zoomed out (the changed mask would rebuild them whole, ~11 ms at 12 MP): the stroke's
        end draws it whole again."""
        view, frame = self._view, self._frame
        if self._sources is None or view is None or not frame or not frame[0] or not frame[1]:
            return
        ratio = js.window.devicePixelRatio or 1
        width, height = max(1, round(frame[0] * ratio)), max(1, round(frame[1] * ratio))
        for screen in (self._before, self._after):
            if (screen.width, screen.height) != (width, height):
                screen.width, screen.height = width, height
                box = None  # a resized canvas is blank
        scale, tx, ty = view.scale * ratio, view.tx * ratio, view.ty * ratio
        photo, colour, mask = self._sources
        if box is None:
            context = dom.context_2d(self._before)
            context.clearRect(0, 0, width, height)
            context.imageSmoothingQuality = "medium"
            context.setTransform(scale, 0, 0, scale, tx, ty)
            context.drawImage(photo, 0, 0)
            context.resetTransform()
            clip, quality = (0, 0, width, height), "medium"
        else:
            x0, y0 = math.floor(box[0] * scale + tx) - 1, math.floor(box[1] * scale + ty) - 1
            x1, y1 = math.ceil(box[2] * scale + tx) + 1, math.ceil(box[3] * scale + ty) + 1
            clip, quality = (x0, y0, x1 - x0, y1 - y0), "low" if scale < 1 else "medium"
        context = dom.context_2d(self._after)
        context.save()
        context.beginPath()
        context.rect(*clip)
        context.clip()  # the composite modes below change nothing outside it
        context.imageSmoothingQuality = quality
        context.setTransform(scale, 0, 0, scale, tx, ty)
        context.globalCompositeOperation = "copy"
        context.drawImage(colour, 0, 0)
        context.globalCompositeOperation = "destination-in"
        context.drawImage(mask, 0, 0)
        context.restore()
