"""``make bench``'s measurements of the page itself: the memory budget, photos through the editor,
painting, and a batch. Peak memory is the highest RSS of any Chromium renderer process (the page
and its workers live there)."""

from __future__ import annotations

import math
import statistics
import threading
import time
from pathlib import Path

from ..core.models import DEFAULT_MODEL
from .chromium import high_water_mark, renderer_pids, renderer_rss, reset_high_water_mark
from .page import AppPage

PAINT_MEASURE = "unbg:paint"  # components/brush_canvas.py measures each pointer event's input-to-paint time


class PeakRss:
    """The renderers' peak RSS since the last ``take()``: their high-water mark (VmHWM, reset by
    writing 5 to clear_refs), or where that cannot be reset, RSS sampled in a thread."""

    def __init__(self, interval: float = 0.02) -> None:
        self._peak = 0
        self._stop = threading.Event()
        self._interval = interval
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self._peak = max(self._peak, renderer_rss())

    def take(self) -> int:
        peak, self._peak = self._peak, 0
        pids = renderer_pids()
        marks = [high_water_mark(pid) for pid in pids]
        if marks and all(reset_high_water_mark(pid) for pid in pids):
            peak = max(peak, *marks)
        return peak

    def stop(self) -> None:
        self._stop.set()


def bench_memory(page: AppPage, photo_12mp: tuple[str, bytes], workdir: Path, memory: "PeakRss") -> None:
    """The memory budget: the renderer's RSS as the page loads a model, and its peaks for a 12 MP
    photo through the message API and through the editor. On the first page of the run: a page
    opened after another one shares its renderer, which gives memory back slowly."""
    label, data = photo_12mp
    memory.take()
    now = lambda: f"{renderer_rss() / 2**20:.0f} MB"
    steps = [f"page ready {now()}"]
    page.drag_over_dropzone()  # the prewarm: download and session of the default model
    page.wait_for_model_ready(DEFAULT_MODEL, 300)
    steps.append(f"with the {DEFAULT_MODEL} model's session {now()}")
    page.post_cut(data, model=DEFAULT_MODEL, output="mask")
    steps.append(f"after a first 12 MP cut {now()} (onnxruntime's WebAssembly memory keeps its high-water mark)")
    reply, api_peak = page.post_cut_measured(data, memory, model=DEFAULT_MODEL)
    if reply["type"] != "unbg:result":
        raise SystemExit(f"browser failed on {label}: {reply}")
    api_peak /= 2**20
    path = workdir / "memory.jpg"
    path.write_bytes(data)
    page.pick(path)
    editor_peak = memory.take() / 2**20
    print(f"\n== memory budget, {label}: renderer RSS: " + "; ".join(steps))
    print(f"peak renderer RSS, {label} through the message API: {api_peak:.0f} MB (target <= 900), "
          f"through the editor: {editor_peak:.0f} MB (target <= 1000)")
    page.forget_models()  # what follows starts from a first visit again
    page.open()


def bench_page(page: AppPage, photos: list[tuple[str, bytes]], workdir: Path, memory: "PeakRss") -> None:
    """Each photo through the page (the editor's path): preview, full result, peak memory."""
    print()
    for label, photo in photos:
        memory.take()
        path = workdir / f"page.{'heic' if photo[4:8] == b'ftyp' else 'jpg'}"
        path.write_bytes(photo)
        page.watch_long_tasks()
        page.pick(path)
        timings = page.result_timings
        long_tasks = page.long_tasks()
        print(f"== {label} through the page: preview visible after {timings.get('preview_ms')} ms (target <= 1000), "
              f"full cut-out after {timings['total_ms']} ms (decode {timings['decode_ms']} ms); "
              f"peak renderer RSS {memory.take() / 2**20:.0f} MB; long tasks (> 50 ms) during the job: {len(long_tasks)}"
              + (f", longest {max(long_tasks):.0f} ms (target: none)" if long_tasks else " (target: none)"))


def bench_painting(page: AppPage, moves: int = 150) -> None:
    """Paint an erase stroke on the photo in the editor (the last one picked, 12 MP): input-to-paint time and long tasks."""
    page.tool("erase")
    page.watch_long_tasks()
    rect = page.canvas_rect()
    x0, y0 = rect["left"] + rect["width"] * 0.2, rect["top"] + rect["height"] * 0.5
    points = [(x0 + rect["width"] * 0.6 * i / moves, y0 + math.sin(i / moves * 6 * math.pi) * rect["height"] * 0.3)
              for i in range(moves)]
    earlier = len(page.measures(PAINT_MEASURE))
    page.mouse_drag_on_screen(points + [(x0 + rect["width"] * 0.6, y0)])
    latencies = page.measures(PAINT_MEASURE)[earlier:]
    long_tasks = page.long_tasks()
    print(f"== painting on a {int(rect['width'])}px-wide view of the 12 MP photo, {moves} pointer moves")
    print(f"input-to-paint per pointer event ({len(latencies)} events): mean {statistics.mean(latencies):.2f} ms, "
          f"max {max(latencies):.2f} ms (target <= 16 ms)")
    print(f"long tasks (> 50 ms) while painting: {len(long_tasks)}"
          + (f", longest {max(long_tasks):.0f} ms" if long_tasks else ""))


def bench_batch(page: AppPage, photos: list[tuple[str, bytes]], workdir: Path, memory: "PeakRss", count: int) -> None:
    """A batch of ``count`` photos through the page (the big ones among them): seconds per photo,
    peak renderer memory through item 10 and through the last, then the ZIP's time and peak."""
    folder = workdir / "batch"
    folder.mkdir()
    paths = []
    for index in range(count):
        label, data = photos[index % len(photos)]
        path = folder / f"photo-{index:02d}.{'heic' if data[4:8] == b'ftyp' else 'jpg'}"
        path.write_bytes(data)
        paths.append(path)
    page.open()
    memory.take()
    started = time.perf_counter()
    page.add_files(paths)
    finished = lambda: sum(row["status"] in ("done", "failed") for row in page.batch_items())
    page.wait_for(lambda d: finished() >= min(10, count), 3600)
    through_10 = memory.take()
    page.wait_for(lambda d: finished() == count, 3600)
    seconds = time.perf_counter() - started
    through_all = max(through_10, memory.take())
    failed = sum(row["status"] == "failed" for row in page.batch_items())
    print(f"\n== batch of {count} photos ({', '.join(sorted({label for label, _ in photos}))}): "
          f"{seconds:.0f} s, {seconds / count:.1f} s per photo, {failed} failed")
    print(f"peak renderer RSS through item 10: {through_10 / 2**20:.0f} MB, through item {count}: "
          f"{through_all / 2**20:.0f} MB (growth {100 * (through_all / through_10 - 1):+.1f}%, target <= 5%)")
    started = time.perf_counter()
    archive = page.download_zip(workdir / "downloads")
    print(f"Download all: a {len(archive) / 2**20:.0f} MB ZIP in {time.perf_counter() - started:.2f} s, "
          f"peak renderer RSS meanwhile {memory.take() / 2**20:.0f} MB")
