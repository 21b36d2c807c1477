"""``make bench``: the native engine and the browser side by side on the same photos.

Runs alternate (native, browser, native, browser, …) so both see the same machine noise,
and the reported figure is the median of the repeats. Peak memory is the highest RSS of
any Chromium renderer process (the page and its workers live there) during that photo.
"""

from __future__ import annotations

import argparse
import io
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from ..build.compress import compressible
from ..core.models import DEFAULT_MODEL, view_count
from ..native.engine import NativeEngine, decode_image
from .bench_gpu import bench_webgpu
from .bench_huge import bench_huge
from .bench_peer import bench_peer
from .bench_page import PeakRss, bench_batch, bench_memory, bench_page, bench_painting
from .chromium import Chromium
from .page import AppPage
from .serve import start_server

ROOT = Path(__file__).resolve().parents[2]
EVAL = ROOT.parent / "shared" / "eval"
STAGES = ("decode_ms", "inference_ms", "encode_ms", "total_ms")


def bench_photos(workdir: Path) -> list[tuple[str, bytes]]:
    """A 1024² photo and a ~12 MP one: from ../shared/eval when present, else drawn."""
    from PIL import Image

    photos = []
    ecssd = sorted((EVAL / "ecssd" / "images").glob("*.jpg"))
    if ecssd:
        square = Image.open(ecssd[0]).convert("RGB").resize((1024, 1024), Image.LANCZOS)
    else:
        import numpy as np

        yy, xx = np.mgrid[0:1024, 0:1024]
        square = Image.fromarray(np.stack([xx % 256, yy % 256, (xx + yy) % 256], -1).astype("uint8"))
    buffer = io.BytesIO()
    square.save(buffer, format="JPEG", quality=92)
    photos.append(("1024x1024 JPEG", buffer.getvalue()))
    large = EVAL / "heic" / "pug.heic"
    if large.exists():
        photos.append(("4032x3024 HEIC (12 MP)", large.read_bytes()))
    else:
        buffer = io.BytesIO()
        square.resize((4000, 3000)).save(buffer, format="JPEG", quality=92)
        photos.append(("4000x3000 JPEG (12 MP)", buffer.getvalue()))
    return photos


def _model_spec(spec: str) -> tuple[str, bool]:
    """``fast`` → ("fast", False); ``fast+best`` → ("fast", True): best edges, two views."""
    model, _, mode = spec.partition("+")
    return model, mode == "best"


def native_cut(engine: NativeEngine, data: bytes) -> dict:
    start = time.perf_counter()
    rgba = decode_image(data)
    decoded = time.perf_counter()
    cutout = engine.cutout(rgba)
    inferred = time.perf_counter()
    from ..native.engine import encode_png

    encode_png(cutout)
    end = time.perf_counter()
    ms = lambda seconds: round(seconds * 1000)
    return {"decode_ms": ms(decoded - start), "inference_ms": ms(inferred - decoded), "encode_ms": ms(end - inferred), "total_ms": ms(end - start)}


def median_timings(runs: list[dict]) -> dict:
    return {stage: statistics.median(run[stage] for run in runs) for stage in STAGES}


def bench_warm_start(page: AppPage, photo: bytes, models: list[str]) -> None:
    """A second visit: the page loads the cached model by itself; how long until its session is ready.

    ``models`` ran earlier in the bench, so they are cached: each is then loaded from the cache too.
    """
    started = time.perf_counter()
    page.forget_network()
    page.open()
    ready = time.perf_counter() - started
    received = page.bytes_received()
    page.wait_for_model_ready(DEFAULT_MODEL)
    session = time.perf_counter() - started - ready
    timings = page.post_cut(photo, model=DEFAULT_MODEL)["timings"]
    waiting = timings["total_ms"] - timings["decode_ms"] - timings["inference_ms"] - timings["encode_ms"]
    print(f"\n== second visit: page ready in {ready:.2f} s; the cached model's session ready {session:.2f} s later, "
          f"unasked; a photo sent then waits {waiting} ms for the model")
    print(f"{DEFAULT_MODEL} from the cache, the page's first session: {_load_ms(page)} (target: session <= 500 ms)")
    print(f"second visit: {page.start_up()} (target: ready <= 1500 ms); {received / 1e3:.0f} kB on the wire until ready")
    # Then the others, and the default once more: each load releases the session before it.
    others = [name for name in models if name != DEFAULT_MODEL]
    for model in others + ([DEFAULT_MODEL] if others else []):
        page.post_cut(photo, model=model)
        print(f"{model} from the cache: {_load_ms(page)}")


def _load_ms(page: AppPage) -> str:
    """How the page's last model load went: reading its bytes, then creating its session."""
    return f"bytes read in {page.page_data('model-read-ms')} ms, session created in {page.page_data('session-ms')} ms"


def phone_jpeg(photos: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """The 12 MP HEIC as a phone saves it in JPEG (the first result's other common case); [] without it."""
    from PIL import Image

    from ..native.engine import decode_image

    jpegs = []
    for label, data in photos:
        if label.endswith("HEIC (12 MP)"):
            buffer = io.BytesIO()
            Image.fromarray(decode_image(data)[..., :3]).save(buffer, format="JPEG", quality=90)
            jpegs.append((label.replace("HEIC", "JPEG"), buffer.getvalue()))
    return jpegs


def phone_heic_with_thumbnail(photos: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """The 12 MP HEIC with a 320 × 240 thumbnail, as an iPhone writes it (the eval copy has none); [] without it."""
    import pillow_heif
    from PIL import Image

    from ..native.engine import decode_image

    heics = []
    for label, data in photos:
        if label.endswith("HEIC (12 MP)"):
            buffer, image = io.BytesIO(), Image.fromarray(decode_image(data)[..., :3])
            pillow_heif.from_pillow(image).save(buffer, format="HEIF", quality=90, tile_size=512, thumbnails=[320],
                                                enc_params={"preset": "ultrafast"})
            heics.append((label.replace("HEIC", "HEIC with a thumbnail"), buffer.getvalue()))
    return heics


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Native engine and browser side by side.")
    parser.add_argument("--models", default="quality,fast,fast+best",
                        help="comma-separated; +best runs that model with best edges (two views)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-eval", action="store_true", help=f"skip the quality measurement on {EVAL}")
    parser.add_argument("--no-peer", action="store_true", help="skip the run against @imgly/background-removal")
    parser.add_argument("--no-webgpu", action="store_true", help="skip the WebGPU run (SwiftShader, ~30 s)")
    parser.add_argument("--no-huge", action="store_true", help="skip the 200 MP HEIC (made once, ~1 min)")
    parser.add_argument("--batch", type=int, default=50, metavar="N", help="photos in the page's batch run (0: none)")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="unbg-bench-"))
    photos = bench_photos(workdir)
    server = start_server()
    # The dev server gzips each file once, on its first request; a host serves them precompressed
    # (make dist writes the .gz): so gzip them now, or the first visit would measure this server.
    for file in (ROOT / "assets").rglob("*"):
        if file.is_file() and compressible(file):
            server.gzipped(file)
    base_url = f"http://127.0.0.1:{server.server_address[1]}/"
    chromium = Chromium()
    page = AppPage(chromium.driver, base_url)
    memory = PeakRss()
    browser_inference: dict[str, dict[str, float]] = {}  # photo → model → median ms
    try:
        page.watch_long_tasks_from_start()
        started = time.perf_counter()
        page.forget_network()
        page.open()
        print(f"page ready in {time.perf_counter() - started:.2f} s; idle renderer RSS {memory.take() / 2**20:.0f} MB")
        print(f"first visit: {page.start_up()}; {page.bytes_received() / 1e6:.1f} MB on the wire until ready")
        print(f"cross-origin isolated: {page.script('return crossOriginIsolated')}, "
              f"threads: {page.script('return navigator.hardwareConcurrency')}")
        if phone_jpeg(photos):
            bench_memory(page, phone_jpeg(photos)[0], workdir, memory)
        for spec in args.models.split(","):
            model, best = _model_spec(spec)
            engine = NativeEngine(model, views=view_count(best))
            started = time.perf_counter()
            native_cut(engine, photos[0][1])
            native_first = time.perf_counter() - started
            started = time.perf_counter()
            first = page.post_cut(photos[0][1], model=model, best=best)
            browser_first = time.perf_counter() - started
            if first["type"] != "unbg:result":
                raise SystemExit(f"browser failed: {first}")
            print(f"\n== model {spec}: first cut incl. model load: native {native_first:.2f} s, browser {browser_first:.2f} s "
                  f"(data-backend={page.page_data('backend')})")
            print(f"{'photo':<24}{'stage':<14}{'native ms':>10}{'browser ms':>12}{'ratio':>8}")
            for label, data in photos:
                memory.take()
                native_runs, browser_runs = [], []
                for _ in range(args.repeat):
                    native_runs.append(native_cut(engine, data))
                    reply = page.post_cut(data, model=model, best=best)
                    if reply["type"] != "unbg:result":
                        raise SystemExit(f"browser failed on {label}: {reply}")
                    browser_runs.append(reply["timings"])
                native, browser = median_timings(native_runs), median_timings(browser_runs)
                browser_inference.setdefault(label, {})[spec] = browser["inference_ms"]
                for stage in STAGES:
                    ratio = browser[stage] / native[stage] if native[stage] else float("nan")
                    print(f"{label:<24}{stage:<14}{native[stage]:>10.0f}{browser[stage]:>12.0f}{ratio:>8.2f}")
                print(f"{label:<24}{'peak renderer RSS':<26}{memory.take() / 2**20:>10.0f} MB")
        for label, by_model in browser_inference.items():
            if len(by_model) > 1:
                print(f"browser inference, {label}: " + ", ".join(
                    f"{model} {ms / by_model['quality']:.2f}× quality's time" for model, ms in by_model.items()
                    if model != "quality" and "quality" in by_model))
        models = sorted({_model_spec(spec)[0] for spec in args.models.split(",")})
        if DEFAULT_MODEL in models:  # the page warm-starts the default model only
            bench_warm_start(page, photos[0][1], models)
        bench_page(page, photos + phone_jpeg(photos) + phone_heic_with_thumbnail(photos), workdir, memory)
        bench_painting(page)
        if args.batch:
            bench_batch(page, photos + phone_jpeg(photos), workdir, memory, args.batch)
        if not args.no_peer:
            bench_peer(page, base_url, [photos[0]] + phone_jpeg(photos), max(1, args.repeat))
        chromium.quit()  # what follows starts a browser of its own: one at a time on two cores
        chromium = None
        if not args.no_huge:
            bench_huge(base_url, EVAL, workdir, memory)
        if not args.no_webgpu:
            bench_webgpu(base_url, photos[0][1])
    finally:
        memory.stop()
        if chromium is not None:
            chromium.quit()
        server.shutdown()
        shutil.rmtree(workdir, ignore_errors=True)
    if EVAL.is_dir() and not args.no_eval:
        from ..native.evaluate import evaluate

        for spec in args.models.split(","):
            model, best = _model_spec(spec)
            print(f"\n== quality of {spec} on {EVAL}")
            evaluate(EVAL, model, views=view_count(best))


if __name__ == "__main__":
    main()
