"""``make bench``'s WebGPU run: this machine's only adapter is SwiftShader's (software), so the
numbers say what the GPU path costs here and that it agrees with WASM, not how fast a real GPU is."""

from __future__ import annotations

import io
import time

import numpy as np
from PIL import Image

from .chromium import WEBGPU_FLAGS, Chromium
from .page import AppPage

SIZES = (64,)  # SwiftShader runs ISNet ~100× slower than WASM


def _mask(reply: dict) -> np.ndarray:
    if reply["type"] != "unbg:result":
        raise SystemExit(f"browser failed: {reply}")
    return np.asarray(Image.open(io.BytesIO(reply["png"])), dtype=int)


def bench_webgpu(base_url: str, photo: bytes) -> None:
    """The GPU model on WebGPU and on WASM at small working sizes, side by side in one browser."""
    chromium = Chromium(extra_flags=tuple(WEBGPU_FLAGS))
    masks: dict[tuple[str, int], np.ndarray] = {}
    try:
        print("\n== WebGPU (SwiftShader, a software adapter) against WASM, quality model, same browser")
        for query in ("?backend=wasm", "?backend=webgpu"):
            page = AppPage(chromium.driver, base_url + query)
            page.open()
            page.post_cut(photo, model="quality", output="mask", size=SIZES[0])  # the session, once
            for size in SIZES:
                started = time.perf_counter()
                reply = page.post_cut(photo, model="quality", output="mask", size=size)
                seconds = time.perf_counter() - started
                masks[(query, size)] = _mask(reply)
                print(f"{query:<18} working size {size}²: {seconds:.1f} s per cut "
                      f"(inference {reply['timings']['inference_ms'] / 1000:.1f} s), data-backend={page.page_data('backend')}")
        for size in SIZES:
            diff = np.abs(masks[("?backend=webgpu", size)] - masks[("?backend=wasm", size)])
            print(f"alpha WebGPU vs WASM at {size}²: max difference {diff.max()}/255, "
                  f"{(diff <= 2).mean():.2%} of pixels within 2/255")
    finally:
        chromium.quit()
