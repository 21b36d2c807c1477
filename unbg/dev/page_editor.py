"""The page driver's editor part: tools, brush strokes with mouse and touch, zoom, the split, exports."""

from __future__ import annotations

import base64

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.actions.wheel_input import ScrollOrigin
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from .page_scripts import CANVAS_PNG, FETCH_URL

KEY_NAMES = {"Home": "HOME", "End": "END", "ArrowRight": "ARROW_RIGHT", "ArrowLeft": "ARROW_LEFT"}


class EditorActions:
    """Mixed into AppPage: uses its find, component, script, async_script and wait_for."""

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

    def shown_screen(self, side: str = "before") -> bytes:
        """A side of the compare slider as it is shown (the frame's size, in device pixels), as a PNG."""
        return base64.b64decode(self.async_script(CANVAS_PNG, self.find("original-image" if side == "before" else "result-image")))

    def photo_in_frame(self) -> tuple[float, float, float, float]:
        """Where the photo is drawn in the editor's frame: left, top, width, height in CSS pixels."""
        left, top, width, height = map(float, self.find("frame").get_attribute("data-photo-rect").split())
        return left, top, width, height

    def canvas_rect(self) -> dict:
        """The photo's rectangle on the screen (CSS pixels, as getBoundingClientRect gives it)."""
        frame = self.script("return arguments[0].getBoundingClientRect().toJSON()", self.find("frame"))
        left, top, width, height = self.photo_in_frame()
        return {"left": frame["left"] + left, "top": frame["top"] + top, "width": width, "height": height}

    def photo_scale(self) -> float:
        """Screen pixels per photo pixel."""
        width = int(self.find("result-size").text.split(" × ")[0])
        return self.photo_in_frame()[2] / width

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

    def leaving_asks(self) -> bool:
        """Whether the page would ask before it is left (a real BeforeUnloadEvent it cancels)."""
        return self.script("const event = document.createEvent('BeforeUnloadEvent');"
                           "event.initEvent('beforeunload', false, true);"
                           "window.dispatchEvent(event); return event.defaultPrevented")

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

