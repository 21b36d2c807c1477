"""The page driver: locators and actions on the real app, shared by the e2e tests and the bench.

Tests and the bench hold the assertions and the numbers; everything that touches the page is here.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions.wheel_input import ScrollOrigin
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from ..core.models import DEFAULT_MODEL, MODEL_CACHE
from .page_scripts import BASE64_OF, BATCH_ROWS, FETCH_URL, LONG_TASKS, POST_CUT

KEY_NAMES = {"Home": "HOME", "End": "END", "ArrowRight": "ARROW_RIGHT", "ArrowLeft": "ARROW_LEFT"}
READY_TIMEOUT = 60
JOB_TIMEOUT = 240  # the first job downloads the model and compiles it


class AppPage:
    def __init__(self, driver, base_url: str) -> None:
        self.driver = driver
        self.base_url = base_url

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

    def post_cut(self, image: bytes | None, timeout: float = JOB_TIMEOUT, **options) -> dict:
        """Send ``unbg:cut`` through postMessage and return the final reply (``png`` as bytes)."""
        payload = None if image is None else base64.b64encode(image).decode()
        reply = self.async_script(POST_CUT, payload, options, timeout=timeout)
        if reply.get("png"):
            reply["png"] = base64.b64decode(reply["png"])
        return reply

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

    # -- the editor, after a cut-out --------------------------------------
    def tool(self, name: str) -> None:
        self.find(f"tool-{name}").click()

    def set_range(self, testid: str, value) -> None:
        self.script("const input = arguments[0]; input.value = arguments[1];"
                    "input.dispatchEvent(new Event('input', {bubbles: true}))", self.find(testid), value)

    def press(self, *keys) -> None:
        self.driver.find_element(By.CSS_SELECTOR, "body").send_keys(*keys)

    def press_on(self, testid: str, *keys: str) -> None:
        """Press keys (named as in KeyboardEvent.key: "Home", "ArrowRight") on an element."""
        self.find(testid).send_keys(*(getattr(Keys, KEY_NAMES.get(key, key), key) for key in keys))

    def undo_by_keyboard(self) -> None:
        self.press(Keys.CONTROL, "z")

    def show_frame(self) -> None:
        """Scroll the editor's frame into the middle of the window, as a person would before painting."""
        self.script("arguments[0].scrollIntoView({block: 'center'})", self.find("frame"))

    def canvas_rect(self) -> dict:
        return self.script("return arguments[0].getBoundingClientRect().toJSON()", self.find("result-image"))

    def photo_scale(self) -> float:
        """Screen pixels per photo pixel."""
        return self.canvas_rect()["width"] / int(self.find("result-image").get_attribute("width"))

    def to_screen(self, x: float, y: float) -> tuple[float, float]:
        rect = self.canvas_rect()
        scale = self.photo_scale()
        return rect["left"] + x * scale, rect["top"] + y * scale

    def _mouse(self, kind: str, x: float, y: float, buttons: int) -> None:
        self.driver.execute_cdp_cmd("Input.dispatchMouseEvent", {
            "type": kind, "x": x, "y": y, "button": "left", "buttons": buttons, "clickCount": 1})

    def mouse_drag_on_screen(self, screen: list[tuple[float, float]]) -> None:
        """Drag the mouse through screen points with CDP input (real pointer events)."""
        self._mouse("mouseMoved", *screen[0], 0)  # a real mouse arrives before it presses
        self._mouse("mousePressed", *screen[0], 1)
        for x, y in screen[1:]:
            self._mouse("mouseMoved", x, y, 1)
        self._mouse("mouseReleased", *screen[-1], 0)

    def mouse_stroke(self, points) -> None:
        """Drag the mouse through photo points."""
        self.show_frame()
        self.mouse_drag_on_screen([self.to_screen(x, y) for x, y in points])

    def touch_stroke(self, points, radius: float = 8) -> None:
        """One finger through photo points (Chrome DevTools touch events)."""
        self.show_frame()
        screen = [self.to_screen(x, y) for x, y in points]
        touch = lambda x, y: [{"x": x, "y": y, "radiusX": radius, "radiusY": radius, "force": 1, "id": 1}]
        self.driver.execute_cdp_cmd("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": touch(*screen[0])})
        for x, y in screen[1:]:
            self.driver.execute_cdp_cmd("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": touch(x, y)})
        self.driver.execute_cdp_cmd("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})

    def drag_split_handle(self, fraction_of_width: float) -> None:
        """Drag the compare slider's handle by ``fraction_of_width`` of the frame (negative: left)."""
        frame = self.find("frame")
        ActionChains(self.driver).click_and_hold(self.find("split-handle")).move_to_element_with_offset(
            frame, int(frame.rect["width"] * fraction_of_width), 0).release().perform()

    def wheel_on_frame(self, delta_y: int) -> None:
        frame = self.find("frame")
        ActionChains(self.driver).scroll_to_element(frame).scroll_from_origin(
            ScrollOrigin.from_element(frame), 0, delta_y).perform()

    @property
    def zoom(self) -> float:
        return float(self.find("frame").get_attribute("data-zoom"))

    def choose_output(self, fmt: str) -> None:
        Select(self.find("export-format")).select_by_value(fmt)

    def export(self, fmt: str = "png", background: str | None = None, crop: bool = False, margin: int = 5) -> tuple[str, bytes]:
        """Choose export options, press Download, return the file name and bytes."""
        self.choose_output(fmt)
        if background is not None:
            self.set_range("background", background)
        if self.find("crop").is_selected() != crop:
            self.find("crop").click()
        if crop:
            self.set_range("crop-margin", margin)
        editor = self.component("result")
        before = int(editor.get_attribute("data-exports-done") or 0)
        self.find("download").click()
        self.wait_for(lambda d: int(editor.get_attribute("data-exports-done") or 0) > before, 60)
        link = self.find("download-link")
        data = self.async_script(FETCH_URL, link.get_attribute("href"))
        return link.get_attribute("download"), base64.b64decode(data)

    # -- measurements for the bench ------------------------------------------
    def watch_long_tasks(self) -> None:
        self.script(LONG_TASKS)

    def long_tasks(self) -> list[float]:
        return self.script("return window.unbgLongTasks || []")

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
