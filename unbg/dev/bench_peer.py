"""``make bench`` against the peer: @imgly/background-removal 1.7.0 (ISNet medium, float16 weights:
the network of both unbg models) and unbg on the same photos, in the same browser, back to back."""

from __future__ import annotations

import base64
import statistics

from .page import AppPage
from .peer import prepare_peer_site

PEER_CUT = """
const [data, done] = arguments;
const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
peerCut(new Blob([bytes], {type: "image/jpeg"})).then(done, (error) => done({error: String(error)}));
"""
MODELS = ("quality", "fast")


def _peer_ms(page: AppPage, url: str, data: bytes, repeat: int) -> float:
    page.driver.get(url)
    page.wait_for(lambda d: page.page_data("state") == "ready", 60)
    payload = base64.b64encode(data).decode()
    runs = []
    for index in range(repeat + 1):  # the first one loads its model
        reply = page.async_script(PEER_CUT, payload, timeout=600)
        if "error" in reply:
            raise SystemExit(f"the peer failed: {reply['error']}")
        if index:
            runs.append(reply["totalMs"])
    return statistics.median(runs)


def _unbg_ms(page: AppPage, data: bytes, model: str, repeat: int) -> float:
    runs = []
    for index in range(repeat + 1):  # the first one may load the model
        reply = page.post_cut(data, model=model)
        if reply["type"] != "unbg:result":
            raise SystemExit(f"unbg failed: {reply}")
        if index:
            runs.append(reply["timings"]["total_ms"])
    return statistics.median(runs)


def bench_peer(page: AppPage, base_url: str, jpegs: list[tuple[str, bytes]], repeat: int) -> None:
    """Each JPEG (the peer reads no HEIC) through the peer, then through unbg's two models:
    total time per cut (decode, model, mask at full size, PNG), the median of ``repeat``."""
    url = base_url + prepare_peer_site()
    print(f"\n== against @imgly/background-removal 1.7.0 (CPU, ISNet float16, its onnxruntime-web 1.21), "
          f"same browser, median of {repeat}")
    print(f"{'photo':<24}{'peer ms':>10}" + "".join(f"{'unbg ' + model + ' ms':>20}{'faster':>8}" for model in MODELS))
    for label, data in jpegs:
        peer = _peer_ms(page, url, data, repeat)
        page.open()
        ours = {model: _unbg_ms(page, data, model, repeat) for model in MODELS}
        print(f"{label:<24}{peer:>10.0f}" + "".join(f"{ours[m]:>20.0f}{peer / ours[m]:>7.2f}×" for m in MODELS)
              + "  (target >= 2×)")
