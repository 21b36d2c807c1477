"""The page driver: locators and actions on the real app, shared by the e2e tests and the bench.

Tests and the bench hold the assertions and the numbers; everything that touches the page is here.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from ..core.models import DEFAULT_MODEL, MODEL_CACHE
from .page_editor import EditorActions
from .page_scripts import (BASE64_OF, BATCH_ROWS, DROP_FILES, DROP_PREVENTED, KEPT_PNG, LONG_TASKS,
                           PASTE_FILES, POST_CUT, STAGE_IMAGE, START_LONG_TASKS, START_UP)
from .page_site import SiteActions

READY_TIMEOUT = 60
JOB_TIMEOUT = 240  # the first job downloads the model and compiles it


class AppPage(EditorActions, SiteActions):
    def __init__(self, driver, base_url: str) -> None:
        self.driver = driver
        self.base_url = base_url
        # Console errors a test causes on purpose (words of each): the e2e checks let only these pass.
        self.expected_console_errors: list[str] = []

    def block_urls(self, patterns: list[str]) -> None:
        """Make requests to matching URLs fail, as a dropped connection would ([]: none)."""
        self.driver.execute_cdp_cmd("Network.enable", {})
        self.driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": patterns})

    # -- the page ----------------------------------------------------------
    def open(self) -> None:
        self.driver.get(self.base_url)
        self.wait_for(lambda d: self.state == "ready", READY_TIMEOUT)

    def wait_for(self, condition, timeout: float = JOB_TIMEOUT):
        return WebDriverWait(self.driver, timeout, poll_frequency=0.05).until(condition)

    def page_data(self, name: str) -> str:
        """``<html data-NAME>``: state, jobs-done, model-progress, model-ready, model-read-ms, session-ms."""
        return self.driver.execute_script(f"return document.documentElement.getAttribute('data-{name}')") or ""

    @property
    def state(self) -> str:
        return self.page_data("state")

    @property
    def jobs_done(self) -> int:
        return int(self.page_data("jobs-done") or 0)

    def find(self, testid: str):
        return self.driver.find_element(By.CSS_SELECTOR, f"[data-testid={testid}]")

    def find_css(self, selector: str):
        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def component(self, name: str):
        return self.driver.find_element(By.CSS_SELECTOR, f"[data-component={name}]")

    def script(self, source: str, *args):
        return self.driver.execute_script(source, *args)

    def async_script(self, source: str, *args, timeout: float = 60):
        self.driver.set_script_timeout(timeout)
        return self.driver.execute_async_script(BASE64_OF + source, *args)

    def forget_models(self) -> None:
        """A first visit: the models are no longer in Cache Storage."""
        self.async_script(f"caches.delete('{MODEL_CACHE}').then(() => arguments[0]())")

    def drag_over_dropzone(self) -> None:
        self.script("document.querySelector('[data-component=dropzone]')"
                    ".dispatchEvent(new DragEvent('dragenter', {bubbles: true, cancelable: true}))")

    def wait_for_model_ready(self, model: str = DEFAULT_MODEL, timeout: float = 120) -> None:
        self.wait_for(lambda d: self.page_data("model-ready") == model, timeout)

    # -- photos ------------------------------------------------------------
    def add_file(self, path: Path) -> int:
        """Pick a file without waiting; returns the jobs done before it."""
        before = self.jobs_done
        self.find("file-input").send_keys(str(Path(path).resolve()))
        return before

    def add_files(self, paths: list[Path]) -> None:
        """Pick several files at once (a batch), without waiting."""
        self.find("file-input").send_keys("\n".join(str(Path(path).resolve()) for path in paths))

    def drop_files(self, paths: list[Path]) -> None:
        """Drop files on the drop zone, without waiting."""
        files = [(Path(path).name, base64.b64encode(Path(path).read_bytes()).decode()) for path in paths]
        self.script(DROP_FILES, files)

    def paste_files(self, paths: list[Path]) -> None:
        """Paste files into the page (Ctrl/Cmd+V of a copied image), without waiting."""
        files = [(Path(path).name, base64.b64encode(Path(path).read_bytes()).decode()) for path in paths]
        self.script(PASTE_FILES, files)

    def start_loading(self) -> None:
        """Navigate to the app and return at once, while Python is still starting."""
        self.driver.get(self.base_url)

    def drag_and_drop_prevented(self, selector: str) -> bool:
        """Whether a dragover and a drop on ``selector`` had their default action (opening the file) cancelled."""
        return self.script(DROP_PREVENTED, selector)

    @property
    def dropzone_hint(self) -> str:
        return self.component("dropzone").find_element(By.CSS_SELECTOR, ".dropzone-hint").text

    def pick(self, path: Path) -> None:
        """Pick a file and wait until its job finished (successfully or not)."""
        before = self.add_file(path)
        self.wait_for(lambda d: self.jobs_done > before)

    def cancel(self) -> None:
        self.find("cancel").click()

    def choose_model(self, name: str) -> None:
        Select(self.find("model")).select_by_value(name)

    def toggle_best(self) -> None:
        self.find("best").click()

    def model_label(self, name: str) -> str:
        return self.find("model").find_element(By.CSS_SELECTOR, f"option[value={name}]").get_attribute("textContent")

    @property
    def error_message(self) -> str | None:
        element = self.component("error")
        return None if element.get_attribute("hidden") is not None else self.find("error-message").text

    @property
    def previews_shown(self) -> int:
        return int(self.component("progress").get_attribute("data-previews-shown") or 0)

    @property
    def result_timings(self) -> dict:
        return json.loads(self.find("result-size").get_attribute("data-timings"))

    def post_cut(self, image: bytes | None, timeout: float = JOB_TIMEOUT, as_buffer: bool = False, **options) -> dict:
        """Send ``unbg:cut`` through postMessage and return the final reply (``png`` as bytes).

        ``as_buffer`` sends the image as an ArrayBuffer, transferred (the reply's PNG then comes
        as ``buffer``: ``reply["buffer"]`` is True)."""
        payload = None if image is None else base64.b64encode(image).decode()
        reply = self.async_script(POST_CUT, payload, options, as_buffer, False, timeout=timeout)
        if reply.get("png"):
            reply["png"] = base64.b64decode(reply["png"])
        return reply

    def post_cut_measured(self, image: bytes, memory, **options) -> tuple[dict, int]:
        """post_cut, and the renderers' peak RSS during the job alone (``memory.take()``): the image is
        put in the page before, and its PNG read after (the driver's base64 copies are not the app's)."""
        self.script(STAGE_IMAGE, base64.b64encode(image).decode())
        memory.take()
        reply = self.async_script(POST_CUT, None, options, False, True, timeout=JOB_TIMEOUT)
        peak = memory.take()
        if reply["type"] == "unbg:result":
            reply["png"] = base64.b64decode(self.async_script(KEPT_PNG))
        return reply, peak

    # -- the batch list ---------------------------------------------------
    def batch_items(self) -> list[dict]:
        """Each photo of the batch list: name, status, error (the reason, for a failed one)."""
        return self.script(BATCH_ROWS)

    def wait_for_batch(self, count: int, timeout: float = JOB_TIMEOUT) -> list[dict]:
        """Wait until the list holds ``count`` photos and none is waiting or being cut."""
        def settled(driver):
            rows = self.batch_items()
            return rows if len(rows) == count and all(row["status"] not in ("queued", "running") for row in rows) else False
        return self.wait_for(settled, timeout)

    def batch_action(self, name: str, action: str) -> None:
        """Press an item's button: open, download, retry or remove."""
        self.driver.find_element(
            By.CSS_SELECTOR, f"[data-testid=batch-item][data-name='{name}'] [data-testid=batch-{action}]").click()

    def cancel_rest(self) -> None:
        self.find("batch-cancel").click()

    def back_to_list(self) -> None:
        self.find("editor-back").click()
        self.wait_for(lambda d: self.component("result").get_attribute("hidden") is not None, 60)

    def _saved(self, press, folder: Path, name: str) -> bytes:
        """``press()`` makes the browser save ``name``: into ``folder`` (set through CDP); its bytes."""
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / name
        if target.exists():
            target.unlink()
        self.driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
        press()
        self.wait_for(lambda d: target.exists() and not (folder / f"{name}.crdownload").exists(), 120)
        return target.read_bytes()

    def download_zip(self, folder: Path, name: str = "unbg-cut-outs.zip") -> bytes:
        """Press Download all: the ZIP's bytes."""
        return self._saved(lambda: self.find("download-zip").click(), folder, name)

    def download_item(self, photo: str, folder: Path, name: str) -> bytes:
        """Press one item's Download: the file's bytes."""
        return self._saved(lambda: self.batch_action(photo, "download"), folder, name)

    # -- measurements for the bench ------------------------------------------
    def watch_long_tasks(self) -> None:
        self.script(LONG_TASKS)

    def long_tasks(self) -> list[float]:
        return self.script("return window.unbgLongTasks || []")

    def forget_network(self) -> None:
        """From now on, count what the browser receives (bytes_received)."""
        self.driver.get_log("performance")

    def bytes_received(self) -> int:
        """Bytes on the wire (compressed, headers included) since forget_network, the page's and its workers'."""
        total = 0
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.loadingFinished":
                total += message["params"]["encodedDataLength"]
        return total

    def watch_long_tasks_from_start(self) -> None:
        """From the next page load on, record its long tasks from the first byte (start_up reports them)."""
        self.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": START_LONG_TASKS})

    def start_up(self) -> str:
        """Where this page's start went: the runtime's bytes, Pyodide and PyScript, our files, our Python,
        and the long tasks until ready (while one runs, the drop zone cannot answer)."""
        t = {key: round(value or 0) for key, value in self.script(START_UP).items()}
        report = (f"HTML {t['html']} ms, Pyodide's WebAssembly fetched {t['wasm']} and its stdlib {t['stdlib']}, "
                  f"Pyodide + PyScript up (our files asked for) {t['files_start']}, our {t['files_end'] - t['files_start']} ms "
                  f"of files, main.py running {t['main']}, its imports {t['imported'] - t['main']} ms, "
                  f"wiring {t['ready'] - t['imported']} ms: ready {t['ready']} ms")
        tasks = [task for task in self.script("return window.unbgStartLongTasks || null") or [] if task[0] < t["ready"]]
        if tasks:
            start, longest = max(tasks, key=lambda task: task[1])
            report += (f"; until ready {len(tasks)} long tasks, {sum(d > 200 for _, d in tasks)} over 200 ms "
                       f"(target 0), the longest {longest:.0f} ms at {start:.0f} ms")
        return report

    def measures(self, name: str) -> list[float]:
        """Durations (ms) of the performance measures called ``name`` since the page opened."""
        return self.script("return performance.getEntriesByName(arguments[0], 'measure').map(e => e.duration)", name)

    def set_viewport(self, width: int, height: int) -> None:
        """A true phone or desktop viewport (headless windows have a minimum width)."""
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
        self.wait_for(lambda d: self.script("return window.innerWidth") == width, 5)

    def reset_viewport(self) -> None:
        self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    def scrolls_sideways(self) -> bool:
        return not self.script("return document.documentElement.scrollWidth <= window.innerWidth")

    def screenshot(self, path: Path) -> None:
        self.script("arguments[0].scrollIntoView()", self.find("frame"))
        self.driver.save_screenshot(str(path))
