"""The page object: locators and actions on the real app; tests hold the assertions."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from unbg.chromium import post_cut

READY_TIMEOUT = 60
JOB_TIMEOUT = 240  # the first job downloads the model and compiles it

FETCH_BLOB_URL = """
const [url, done] = arguments;
fetch(url).then(r => r.arrayBuffer()).then(buffer => {
  let binary = ''; const bytes = new Uint8Array(buffer);
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  done(btoa(binary));
});
"""

class AppPage:
    def __init__(self, driver, base_url: str) -> None:
        self.driver = driver
        self.base_url = base_url

    def open(self) -> None:
        self.driver.get(self.base_url)
        self.wait_for(lambda d: self.state == "ready", READY_TIMEOUT)

    def wait_for(self, condition, timeout: float = JOB_TIMEOUT):
        return WebDriverWait(self.driver, timeout, poll_frequency=0.1).until(condition)

    def _attr(self, name: str) -> str:
        return self.driver.execute_script(f"return document.documentElement.getAttribute('{name}')")

    @property
    def state(self) -> str:
        return self._attr("data-state")

    @property
    def jobs_done(self) -> int:
        return int(self._attr("data-jobs-done") or 0)

    @property
    def previews_shown(self) -> int:
        progress = self.driver.find_element(By.CSS_SELECTOR, "[data-component=progress]")
        return int(progress.get_attribute("data-previews-shown") or 0)

    @property
    def result_timings(self) -> dict:
        return json.loads(self.find("result-size").get_attribute("data-timings"))

    def find(self, testid: str):
        return self.driver.find_element(By.CSS_SELECTOR, f"[data-testid={testid}]")

    def pick(self, path: Path) -> None:
        """Pick a file and wait until its job finished (successfully or not)."""
        before = self.jobs_done
        self.find("file-input").send_keys(str(Path(path).resolve()))
        self.wait_for(lambda d: self.jobs_done > before)

    def choose_model(self, name: str) -> None:
        Select(self.find("model")).select_by_value(name)

    def model_label(self, name: str) -> str:
        return self.find("model").find_element(By.CSS_SELECTOR, f"option[value={name}]").get_attribute("textContent")

    @property
    def error_message(self) -> str | None:
        element = self.driver.find_element(By.CSS_SELECTOR, "[data-component=error]")
        return None if element.get_attribute("hidden") is not None else self.find("error-message").text

    def post_cut(self, image: bytes | None, **options) -> dict:
        """Send ``unbg:cut`` through postMessage and return the final reply (``png`` as bytes)."""
        return post_cut(self.driver, image, JOB_TIMEOUT, **options)

    # -- the editor, after a cut-out --------------------------------------

    def tool(self, name: str) -> None:
        self.find(f"tool-{name}").click()

    def set_range(self, testid: str, value: int) -> None:
        self.driver.execute_script(
            "const input = arguments[0]; input.value = arguments[1]; input.dispatchEvent(new Event('input', {bubbles: true}))",
            self.find(testid), value)

    def canvas_rect(self) -> dict:
        return self.driver.execute_script("return arguments[0].getBoundingClientRect().toJSON()", self.find("result-image"))

    def photo_scale(self) -> float:
        """Screen pixels per photo pixel."""
        canvas = self.find("result-image")
        return self.canvas_rect()["width"] / int(canvas.get_attribute("width"))

    def to_screen(self, x: float, y: float) -> tuple[float, float]:
        rect = self.canvas_rect()
        scale = self.photo_scale()
        return rect["left"] + x * scale, rect["top"] + y * scale

    def mouse_stroke(self, points) -> None:
        """Drag the mouse through photo points with CDP input (real pointer events)."""
        screen = [self.to_screen(x, y) for x, y in points]
        send = lambda kind, x, y, buttons: self.driver.execute_cdp_cmd("Input.dispatchMouseEvent", {
            "type": kind, "x": x, "y": y, "button": "left", "buttons": buttons, "clickCount": 1})
        send("mouseMoved", *screen[0], 0)
        send("mousePressed", *screen[0], 1)
        for x, y in screen[1:]:
            send("mouseMoved", x, y, 1)
        send("mouseReleased", *screen[-1], 0)

    def touch_stroke(self, points, radius: float = 8) -> None:
        """One finger through photo points (Chrome DevTools touch events)."""
        screen = [self.to_screen(x, y) for x, y in points]
        touch = lambda x, y: [{"x": x, "y": y, "radiusX": radius, "radiusY": radius, "force": 1, "id": 1}]
        self.driver.execute_cdp_cmd("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": touch(*screen[0])})
        for x, y in screen[1:]:
            self.driver.execute_cdp_cmd("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": touch(x, y)})
        self.driver.execute_cdp_cmd("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})

    def export(self, fmt: str = "png", background: str | None = None, crop: bool = False, margin: int = 5) -> tuple[str, bytes]:
        """Choose export options, press Download, return the file name and bytes."""
        Select(self.find("export-format")).select_by_value(fmt)
        if background is not None:
            self.driver.execute_script(
                "const input = arguments[0]; input.value = arguments[1]; input.dispatchEvent(new Event('input', {bubbles: true}))",
                self.find("background"), background)
        if self.find("crop").is_selected() != crop:
            self.find("crop").click()
        if crop:
            self.set_range("crop-margin", margin)
        editor = self.driver.find_element(By.CSS_SELECTOR, "[data-component=result]")
        before = int(editor.get_attribute("data-exports-done") or 0)
        self.find("download").click()
        self.wait_for(lambda d: int(editor.get_attribute("data-exports-done") or 0) > before, 60)
        link = self.find("download-link")
        data = self.driver.execute_async_script(FETCH_BLOB_URL, link.get_attribute("href"))
        return link.get_attribute("download"), base64.b64decode(data)
