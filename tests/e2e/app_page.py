"""The page object: locators and actions on the real app; tests hold the assertions."""

from __future__ import annotations

import base64
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

    def find(self, testid: str):
        return self.driver.find_element(By.CSS_SELECTOR, f"[data-testid={testid}]")

    def pick(self, path: Path) -> None:
        """Pick a file and wait until its job finished (successfully or not)."""
        before = self.jobs_done
        self.find("file-input").send_keys(str(Path(path).resolve()))
        self.wait_for(lambda d: self.jobs_done > before)

    def choose_model(self, name: str) -> None:
        Select(self.find("model")).select_by_value(name)

    @property
    def error_message(self) -> str | None:
        element = self.driver.find_element(By.CSS_SELECTOR, "[data-component=error]")
        return None if element.get_attribute("hidden") is not None else self.find("error-message").text

    def download_bytes(self) -> tuple[str, bytes]:
        """The download link's file name and the bytes it points to."""
        link = self.find("download")
        data = self.driver.execute_async_script(FETCH_BLOB_URL, link.get_attribute("href"))
        return link.get_attribute("download"), base64.b64decode(data)

    def post_cut(self, image: bytes | None, **options) -> dict:
        """Send ``unbg:cut`` through postMessage and return the final reply (``png`` as bytes)."""
        return post_cut(self.driver, image, JOB_TIMEOUT, **options)
