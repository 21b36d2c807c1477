"""``make bench``'s 200 MP phone photo: a 12240×16320 grid HEIC (a Samsung's size) through the
message API and the editor, with the renderer's peak memory, and the native CLI's cut of it.

In a browser of its own: a tab that has loaded the page several times (the bench's) keeps
hundreds of MB it no longer uses in its renderer, and its peaks would be theirs too."""

from __future__ import annotations

import time
from pathlib import Path

from ..core.image_header import WORKING_MEGAPIXELS
from ..core.models import DEFAULT_MODEL
from ..native.engine import decode_image
from .chromium import Chromium
from .page import AppPage

SIZE = 12240, 16320
CACHE = Path(__file__).resolve().parents[2] / ".cache" / "bench"


def huge_heic(eval_dir: Path) -> bytes:
    """The 200 MP HEIC, made once (≈1 min) from an eval photo scaled up, or a drawing; kept in .cache/."""
    path = CACHE / f"huge-{SIZE[0]}x{SIZE[1]}.heic"
    if not path.exists():
        import numpy as np
        import pillow_heif
        from PIL import Image

        photo = eval_dir / "large" / "squoosh_demo-large-photo.jpg"
        if photo.exists():
            image = Image.open(photo).convert("RGB").rotate(90, expand=True).resize(SIZE, Image.BICUBIC)
        else:
            rows = np.linspace(0, 255, SIZE[1], dtype=np.float32)[:, None]
            image = Image.fromarray(np.broadcast_to(rows, SIZE[::-1]).astype(np.uint8)).convert("RGB")
        CACHE.mkdir(parents=True, exist_ok=True)
        # A phone's grid of 512² tiles; the encoder's fastest preset: what is measured is decoding.
        pillow_heif.from_pillow(image).save(path.with_suffix(".part"), format="HEIF", quality=80, tile_size=512,
                                            enc_params={"preset": "ultrafast"})
        path.with_suffix(".part").rename(path)
    return path.read_bytes()


def bench_huge(base_url: str, eval_dir: Path, workdir: Path, memory) -> None:
    """The 200 MP HEIC through the message API and through the editor, on a fresh page with the
    default model ready: decode time, peak renderer RSS."""
    data = huge_heic(eval_dir)
    chromium = Chromium()
    try:
        page = AppPage(chromium.driver, base_url)
        page.open()
        page.drag_over_dropzone()
        page.wait_for_model_ready(DEFAULT_MODEL, 300)
        _cut_huge(page, data, workdir, memory)
    finally:
        chromium.quit()
    started = time.perf_counter()
    rgba = decode_image(data, "huge.heic", WORKING_MEGAPIXELS)  # the CLI's default
    print(f"native decode (the CLI's): {rgba.shape[1]}x{rgba.shape[0]} in {time.perf_counter() - started:.1f} s")


def _cut_huge(page: AppPage, data: bytes, workdir: Path, memory) -> None:
    label = f"{SIZE[0]}x{SIZE[1]} HEIC ({SIZE[0] * SIZE[1] / 1e6:.0f} MP, {len(data) / 2**20:.0f} MB)"
    reply, api_peak = page.post_cut_measured(data, memory)
    if reply["type"] != "unbg:result":
        raise SystemExit(f"browser failed on {label}: {reply}")
    print(f"\n== {label} through the message API (a fresh page, the {DEFAULT_MODEL} model ready): cut at {reply['width']}x{reply['height']}, decode "
          f"{reply['timings']['decode_ms']} ms, total {reply['timings']['total_ms']} ms; "
          f"peak renderer RSS {api_peak / 2**20:.0f} MB (target <= 1500)")
    path = workdir / "huge.heic"
    path.write_bytes(data)
    page.pick(path)
    print(f"through the editor: full cut-out after {page.result_timings['total_ms']} ms; "
          f"peak renderer RSS {memory.take() / 2**20:.0f} MB (target <= 1500)")
