"""The full-resolution canvases the editor works on: the photo, the mask and the cut-out.

Brush strokes change the mask; the cut-out is recomposed (photo × mask) only inside the
rectangle a stroke touched, so painting stays fast on a 12 MP photo. Undo replays the
kept strokes on the model's mask instead of keeping a full-size copy per stroke.
"""

from __future__ import annotations

import asyncio

import js

from unbg import actions
from unbg.brush import stroke_dabs
from unbg.naming import output_name
from unbg.png import encode_png

from . import dom

SPRITE_SIZE = 256  # one soft-dab image per hardness, scaled to each dab's size
ALPHA_FLOOR = 8  # crop ignores alpha below ~3%: faint model noise is not the subject
MIME = {"png": "image/png", "webp": "image/webp", "jpeg": "image/jpeg"}


def _canvas(width: int, height: int):
    return js.OffscreenCanvas.new(width, height)


class PhotoLayers:
    """Owns the canvases; the brush paints through it, exports read from it."""

    def __init__(self, store, before_canvas, after_canvas) -> None:
        self._store = store
        self._before = before_canvas
        self._after = after_canvas
        self._cutout = None
        self._model_mask = None  # ImageBitmap of the model's mask: what undo replays onto
        self._mask = None  # OffscreenCanvas: white, with the current alpha
        self._colour = None  # OffscreenCanvas: the cut-out's colours, opaque
        self._sprites: dict[float, object] = {}
        self._applied: tuple = ()  # the strokes the mask shows now
        self._exports_started = 0
        self.width = self.height = 0
        self._unsubscribe = store.subscribe(self._on_state)

    # -- following the store -------------------------------------------------
    def _on_state(self, state: dict) -> None:
        result = state["result"]
        cutout = result["cutout"] if result else None
        if cutout is not self._cutout:
            self._cutout = cutout
            if cutout is not None:
                self._load(cutout)
        if cutout is not None and state["strokes"] != self._applied:
            self.replay(state["strokes"])
        if state["export_requests"] > self._exports_started:
            self._exports_started = state["export_requests"]
            asyncio.ensure_future(self._export(state))

    def _load(self, cutout) -> None:
        self.width, self.height = cutout.width, cutout.height
        for canvas in (self._before, self._after):
            canvas.width, canvas.height = self.width, self.height
        self._before.getContext("2d").drawImage(cutout.original, 0, 0)
        cutout.original.close()  # the before canvas is the photo from now on: 48 MB less at 12 MP
        # The cut-out's colours: the photo's, with the old background taken out of the soft edge.
        self._colour = _canvas(self.width, self.height)
        self._colour.getContext("2d").putImageData(cutout.colour, 0, 0)
        cutout.colour = None
        self._mask = _canvas(self.width, self.height)
        context = self._mask.getContext("2d")
        context.putImageData(cutout.pixels, 0, 0)
        cutout.pixels = None  # the mask canvas holds the alpha now; let the pixels go
        # Keep the alpha, make the colour white: the mask is then independent of the photo.
        context.globalCompositeOperation = "source-in"
        context.fillStyle = "#fff"
        context.fillRect(0, 0, self.width, self.height)
        context.globalCompositeOperation = "source-over"
        if self._model_mask is not None:
            self._model_mask.close()
        self._model_mask = self._mask.transferToImageBitmap()  # the canvas is blank after this
        self._applied = ()
        self.replay(())

    # -- painting ------------------------------------------------------------
    def _sprite(self, hardness: float):
        key = round(hardness, 2)
        sprite = self._sprites.get(key)
        if sprite is None:
            sprite = _canvas(SPRITE_SIZE, SPRITE_SIZE)
            context = sprite.getContext("2d")
            half = SPRITE_SIZE / 2
            gradient = context.createRadialGradient(half, half, 0, half, half, half)
            gradient.addColorStop(0, "rgba(255,255,255,1)")
            gradient.addColorStop(min(key, 0.999), "rgba(255,255,255,1)")
            gradient.addColorStop(1, "rgba(255,255,255,0)")
            context.fillStyle = gradient
            context.fillRect(0, 0, SPRITE_SIZE, SPRITE_SIZE)
            self._sprites[key] = sprite
        return sprite

    def _draw_dabs(self, dabs, mode: str, hardness: float) -> None:
        """Stamp dabs [(x, y, r)] on the mask: erase cuts alpha away, restore adds it back."""
        context = self._mask.getContext("2d")
        context.globalCompositeOperation = "destination-out" if mode == "erase" else "source-over"
        sprite = self._sprite(hardness)
        for x, y, r in dabs:
            context.drawImage(sprite, x - r, y - r, 2 * r, 2 * r)
        context.globalCompositeOperation = "source-over"

    def paint(self, dabs, mode: str, hardness: float) -> None:
        """Apply dabs to the mask and recompose the cut-out where they fell."""
        if not dabs or self._mask is None:
            return
        self._draw_dabs(dabs, mode, hardness)
        self.compose(min(x - r for x, y, r in dabs), min(y - r for x, y, r in dabs),
                     max(x + r for x, y, r in dabs), max(y + r for x, y, r in dabs))

    def compose(self, left: float, top: float, right: float, bottom: float) -> None:
        """Cut-out = colours × mask, inside the given rectangle only."""
        x0, y0 = max(int(left) - 1, 0), max(int(top) - 1, 0)
        x1, y1 = min(int(right) + 2, self.width), min(int(bottom) + 2, self.height)
        if x1 <= x0 or y1 <= y0:
            return
        w, h = x1 - x0, y1 - y0
        context = self._after.getContext("2d")
        context.save()
        context.beginPath()
        context.rect(x0, y0, w, h)
        context.clip()  # composite modes below would otherwise clear the rest of the canvas
        context.globalCompositeOperation = "copy"
        context.drawImage(self._colour, x0, y0, w, h, x0, y0, w, h)
        context.globalCompositeOperation = "destination-in"
        context.drawImage(self._mask, x0, y0, w, h, x0, y0, w, h)
        context.restore()

    def live_stroke_done(self, stroke) -> None:
        """The brush painted ``stroke`` already: adding it to the history needs no replay."""
        self._applied = self._applied + (stroke,)

    def replay(self, strokes: tuple) -> None:
        """The model's mask plus ``strokes``, from scratch (undo, redo, reset, cancel)."""
        if self._mask is None:
            return
        context = self._mask.getContext("2d")
        context.globalCompositeOperation = "copy"
        context.drawImage(self._model_mask, 0, 0)
        context.globalCompositeOperation = "source-over"
        for stroke in strokes:
            self._draw_dabs(stroke_dabs(stroke), stroke.mode, stroke.hardness)
        self._applied = strokes
        self.compose(0, 0, self.width, self.height)

    # -- export --------------------------------------------------------------
    def _alpha_bytes(self) -> bytes:
        rgba = self._mask.getContext("2d").getImageData(0, 0, self.width, self.height).data.to_bytes()
        return rgba[3::4]  # a C-level slice: the alpha channel, no Python loop over pixels

    def subject_box(self, margin_percent: float) -> tuple[int, int, int, int]:
        """The subject's bounding box (x, y, w, h) grown by a margin; the whole photo if empty."""
        alpha = self._alpha_bytes().translate(bytes(0 if v < ALPHA_FLOOR else v for v in range(256)))
        width = self.width
        rows = [y for y in range(self.height) if alpha.count(0, y * width, (y + 1) * width) < width]
        if not rows:
            return 0, 0, self.width, self.height
        left, right = width, 0
        for y in rows:
            row = alpha[y * width : (y + 1) * width]
            left = min(left, width - len(row.lstrip(b"\0")))
            right = max(right, len(row.rstrip(b"\0")))
        top, bottom = rows[0], rows[-1] + 1
        pad_x = round((right - left) * margin_percent / 100)
        pad_y = round((bottom - top) * margin_percent / 100)
        x0, y0 = max(left - pad_x, 0), max(top - pad_y, 0)
        x1, y1 = min(right + pad_x, self.width), min(bottom + pad_y, self.height)
        return x0, y0, x1 - x0, y1 - y0

    async def _export(self, state: dict) -> None:
        fmt = state["export_format"]
        x, y, w, h = self.subject_box(state["crop_margin"]) if state["crop"] else (0, 0, self.width, self.height)
        if fmt == "mask":
            alpha = self._alpha_bytes()
            rows = b"".join(alpha[(y + row) * self.width + x : (y + row) * self.width + x + w] for row in range(h))
            blob = dom.bytes_blob(encode_png(rows, w, h, 1), "image/png")
        else:
            canvas = _canvas(w, h)
            context = canvas.getContext("2d")
            if fmt == "jpeg":  # JPEG has no alpha: put the subject on the chosen colour
                context.fillStyle = state["background"]
                context.fillRect(0, 0, w, h)
            context.drawImage(self._after, x, y, w, h, 0, 0, w, h)
            options = {"type": MIME[fmt]}
            if fmt != "png":
                options["quality"] = 1.0 if fmt == "webp" else 0.92
            blob = await canvas.convertToBlob(dom.js_object(options))
        dom.revoke_url((state["export"] or {}).get("url"))
        actions.export_done(self._store, dom.object_url(blob), output_name(state["job_name"] or "image", fmt))

    def dispose(self) -> None:
        self._unsubscribe()
        if self._model_mask is not None:
            self._model_mask.close()
