"""The full-resolution layers the editor works on: the photo and the model's cut-out and colours
(bitmaps, as decoded and as onnxruntime's worker made them) and the mask (an offscreen canvas).
Screens shows them at the frame's size; the cut-out (colours × mask) is made in full only for a
download.

Brush strokes change the mask; the screen is drawn again only inside the rectangle a stroke
touched, so painting stays fast on a 12 MP photo. Undo replays the kept strokes on the model's
mask instead of keeping a full-size copy per stroke.
"""

from __future__ import annotations

import asyncio
import time
from contextlib import asynccontextmanager

from ..core.brush import stroke_dabs
from . import dom
from .screens import Screens

SPRITE_SIZE = 256  # one soft-dab image per hardness, scaled to each dab's size
BAND_PIXELS = 1 << 18  # the full-size steps go a band of ~0.25 MP at a time (a 1200 × 800 photo has 4)
PAUSE_MS = 10  # a Pacer lets the browser in this often: a fresh full-size canvas's first step alone takes ~35 ms


class Pacer:
    """Long work in steps: ``await pause()`` after each lets the browser in once PAUSE_MS have gone
    since the last time (a pause after every step would cost each one a timer's 4 ms)."""

    def __init__(self) -> None:
        self._since = time.perf_counter()

    async def pause(self) -> None:
        if (time.perf_counter() - self._since) * 1000 >= PAUSE_MS:
            await asyncio.sleep(0)
            self._since = time.perf_counter()


def bands(width: int, height: int):
    """(top, rows) of the horizontal bands of ~BAND_PIXELS that cover a width × height picture."""
    rows = max(1, BAND_PIXELS // max(width, 1))
    return [(top, min(rows, height - top)) for top in range(0, height, rows)]


def _compose(after, colour, mask, x: int, y: int, w: int, h: int) -> None:
    """The cut-out canvas = colours × mask, inside this rectangle only."""
    context = dom.context_2d(after)
    context.save()
    context.beginPath()
    context.rect(x, y, w, h)
    context.clip()  # composite modes below would otherwise clear the rest of the canvas
    context.globalCompositeOperation = "copy"
    context.drawImage(colour, x, y, w, h, x, y, w, h)
    context.globalCompositeOperation = "destination-in"
    context.drawImage(mask, x, y, w, h, x, y, w, h)
    context.restore()


class PhotoLayers:
    """Owns the full-size layers; the brush paints through it, the exporter reads from it, and
    Screens shows them at the view.

    It follows the store's strokes, so undo, redo and reset show on the mask.
    """

    def __init__(self, store, before_canvas, after_canvas) -> None:
        self._screens = Screens(before_canvas, after_canvas)
        self._photo = None  # ImageBitmap: the photo, as it was decoded
        self._model_mask = None  # ImageBitmap: the model's cut-out, whose alpha undo replays onto
        self._mask = None  # OffscreenCanvas: the current alpha (its colours do not count)
        self._colour = None  # ImageBitmap: the cut-out's colours, opaque (the cut-out is colours × mask)
        self._sprites: dict[float, object] = {}
        self._applied: tuple = ()  # the strokes the mask shows now
        self._partly_drawn = False  # the cut-out's screen had dabs drawn on it since it was last drawn whole
        self.width = self.height = 0
        self._unsubscribe = store.subscribe(self._on_state)

    @asynccontextmanager
    async def cutout(self):
        """The cut-out as the person sees it (with the edits), on a full-size canvas made for the
        caller and let go after it: the editor keeps none (48 MB at 12 MP), Screens draws colours
        × mask at the view."""
        colour, mask, width, height = self._colour, self._mask, self.width, self.height
        surface = dom.canvas(width, height)
        try:
            pacer = Pacer()
            for top, rows in bands(width, height):
                _compose(surface, colour, mask, 0, top, width, rows)
                await pacer.pause()
            yield surface
        finally:
            surface.width = surface.height = 0

    def _on_state(self, state: dict) -> None:
        if state["result"] is None and self._mask is not None:
            self._release()  # back to the list: the full-size layers go, the item keeps its PNG
            return
        if self._mask is not None and state["strokes"] != self._applied:
            self.replay(state["strokes"])
        self._screens.follow(state)

    def _release(self) -> None:
        self._screens.clear()
        self._close_layers()
        self._applied = ()

    async def show(self, cutout) -> None:
        """Start editing a new cut-out (a web.engine.Cutout); it is taken apart and let go.

        Its cut-out and colours come as bitmaps made in onnxruntime's worker: the model's mask is
        the cut-out itself (only its alpha counts), and neither needs a canvas. The mask is drawn
        in bands of BAND_PIXELS, with the browser free every PAUSE_MS (in one task it was ~300 ms
        at 12 MP, measured). It becomes the layers' only after the last pause: a state change
        meanwhile (a photo added, a progress) finds nothing half made.
        """
        width, height = cutout.width, cutout.height
        colour, model_mask = cutout.colour, cutout.pixels
        cutout.colour = cutout.pixels = None
        mask = dom.canvas(width, height)
        mask_context = dom.context_2d(mask)
        pacer = Pacer()
        for top, rows in bands(width, height):
            mask_context.drawImage(model_mask, 0, top, width, rows, 0, top, width, rows)
            await pacer.pause()
        self._close_layers()  # a cut shown over another one
        self.width, self.height = width, height
        self._photo, self._colour, self._model_mask = cutout.original, colour, model_mask
        self._mask, self._applied = mask, ()
        self._screens.show(self._photo, colour, mask)

    def _close_layers(self) -> None:
        for bitmap in (self._photo, self._colour, self._model_mask):
            if bitmap is not None:
                bitmap.close()
        if self._mask is not None:
            self._mask.width = self._mask.height = 0
        self._photo = self._model_mask = self._mask = self._colour = None

    # -- painting ------------------------------------------------------------
    def _sprite(self, hardness: float):
        key = round(hardness, 2)
        sprite = self._sprites.get(key)
        if sprite is None:
            sprite = dom.canvas(SPRITE_SIZE, SPRITE_SIZE)
            context = dom.context_2d(sprite)
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
        context = dom.context_2d(self._mask)
        context.globalCompositeOperation = "destination-out" if mode == "erase" else "source-over"
        sprite = self._sprite(hardness)
        for x, y, r in dabs:
            context.drawImage(sprite, x - r, y - r, 2 * r, 2 * r)
        context.globalCompositeOperation = "source-over"

    def paint(self, dabs, mode: str, hardness: float) -> None:
        """Apply dabs to the mask and show the cut-out again where they fell."""
        if not dabs or self._mask is None:
            return
        self._draw_dabs(dabs, mode, hardness)
        x0 = max(min(x - r for x, y, r in dabs) - 1, 0)
        y0 = max(min(y - r for x, y, r in dabs) - 1, 0)
        x1 = min(max(x + r for x, y, r in dabs) + 1, self.width)
        y1 = min(max(y + r for x, y, r in dabs) + 1, self.height)
        if x1 > x0 and y1 > y0:
            self._screens.draw((x0, y0, x1, y1))
            self._partly_drawn = True

    def live_stroke_done(self, stroke) -> None:
        """The brush painted ``stroke`` already: adding it to the history needs no replay."""
        self._applied = self._applied + (stroke,)
        if self._partly_drawn:  # the dabs were drawn in haste (Screens.draw)
            self._partly_drawn = False
            self._screens.draw()

    def replay(self, strokes: tuple) -> None:
        """The model's mask plus ``strokes``, from scratch (undo, redo, reset, a dropped stroke)."""
        if self._mask is None:
            return
        context = dom.context_2d(self._mask)
        context.globalCompositeOperation = "copy"
        context.drawImage(self._model_mask, 0, 0)
        context.globalCompositeOperation = "source-over"
        for stroke in strokes:
            self._draw_dabs(stroke_dabs(stroke), stroke.mode, stroke.hardness)
        self._applied = strokes
        self._partly_drawn = False
        self._screens.draw()

    def alpha_bytes(self) -> bytes:
        """The current alpha, one byte a pixel."""
        rgba = dom.context_2d(self._mask).getImageData(0, 0, self.width, self.height).data.to_bytes()
        return rgba[3::4]  # a C-level slice: the alpha channel, no Python loop over pixels

    def dispose(self) -> None:
        self._unsubscribe()
        if self._mask is not None:
            self._release()


class PreviewLayer:
    """The quick low-resolution cut-out, drawn on its own canvas until the full one replaces it."""

    def __init__(self, surface) -> None:
        self._surface = surface

    def show(self, image) -> None:
        self._surface.width, self._surface.height = image.width, image.height
        dom.context_2d(self._surface).putImageData(image, 0, 0)
