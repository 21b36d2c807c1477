"""The app's PNG icons (192 and 512, plain and maskable), drawn like assets/icons/icon.svg."""

from __future__ import annotations

from pathlib import Path

ACCENT = (59, 91, 219, 255)  # --accent in app.css
CHECKER = ((255, 255, 255, 255), (217, 221, 227, 255))
SIZES = (192, 512)


def draw_icon(size: int, maskable: bool):
    """A person cut out over the transparency checkerboard; maskable: full bleed, figure in the safe circle."""
    from PIL import Image, ImageDraw  # build-time dependency

    scale = 4  # drawn large and scaled down: smooth edges
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    squares = Image.new("RGBA", (big, big), CHECKER[0])
    draw = ImageDraw.Draw(squares)
    cell = big // 8
    for row in range(8):
        for column in range(8):
            if (row + column) % 2:
                draw.rectangle([column * cell, row * cell, (column + 1) * cell - 1, (row + 1) * cell - 1], fill=CHECKER[1])
    shape = Image.new("L", (big, big), 0)
    if maskable:
        shape.paste(255, (0, 0, big, big))  # the platform's mask crops it
    else:
        ImageDraw.Draw(shape).rounded_rectangle([0, 0, big - 1, big - 1], radius=big * 14 // 64, fill=255)
    image.paste(squares, (0, 0), shape)
    # The maskable figure stays inside the central 80 % circle every mask keeps.
    inset = big * 0.12 if maskable else 0
    unit = (big - 2 * inset) / 64
    figure = ImageDraw.Draw(image)

    def at(x: float, y: float) -> tuple[float, float]:
        return inset + x * unit, inset + y * unit

    figure.ellipse([*at(21, 13), *at(43, 35)], fill=ACCENT)
    figure.pieslice([*at(12, 38), *at(52, 78)], 180, 360, fill=ACCENT)  # the shoulders, flat at y = 58
    return image.resize((size, size), Image.LANCZOS)


def write_icons(folder: Path) -> list[dict]:
    """Write the icons into ``folder``; returns the manifest's ``icons`` entries (paths relative to it)."""
    folder.mkdir(parents=True, exist_ok=True)
    entries = []
    for maskable in (False, True):
        for size in SIZES:
            name = f"icon-{'maskable-' if maskable else ''}{size}.png"
            draw_icon(size, maskable).save(folder / name, optimize=True)
            entries.append({"src": name, "sizes": f"{size}x{size}", "type": "image/png",
                            "purpose": "maskable" if maskable else "any"})
    return entries
