"""Drive the real app in headless Chromium: shared by the end-to-end tests and the benchmark."""

from __future__ import annotations

import base64
import shutil
import tempfile
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]

# Send one `unbg:cut` message to the page and resolve with its final reply; the PNG comes back base64.
POST_CUT = """
const [bytesB64, options, done] = arguments;
const id = 'job-' + Math.random().toString(36).slice(2);
const image = bytesB64 === null ? null : new Blob([Uint8Array.from(atob(bytesB64), c => c.charCodeAt(0))]);
const progress = [];
window.addEventListener('message', async function onMessage(event) {
  const data = event.data;
  if (!data || data.id !== id) return;
  if (data.type === 'unbg:progress') { progress.push(data.stage); return; }
  if (data.type !== 'unbg:result' && data.type !== 'unbg:error') return;
  window.removeEventListener('message', onMessage);
  const reply = {type: data.type, code: data.code, message: data.message, width: data.width, height: data.height,
                 timings: data.timings, progress, blobType: data.blob ? data.blob.type : null, png: null};
  if (data.blob) {
    const bytes = new Uint8Array(await data.blob.arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    reply.png = btoa(binary);
  }
  done(reply);
});
window.postMessage({type: 'unbg:cut', id, image, options}, location.origin);
"""


class Chromium:
    """A headless Chromium with a fresh profile, removed again on ``quit``."""

    def __init__(self, window_size: tuple[int, int] = (1280, 900)) -> None:
        self._profile = tempfile.mkdtemp(prefix="unbg-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in FLAGS + [f"--user-data-dir={self._profile}", f"--window-size={window_size[0]},{window_size[1]}"]:
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        # Downloads land in the throwaway profile, never in the home folder.
        options.add_experimental_option("prefs", {"download.default_directory": f"{self._profile}/downloads",
                                                  "download.prompt_for_download": False})
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)

    def quit(self) -> None:
        self.driver.quit()
        shutil.rmtree(self._profile, ignore_errors=True)


def post_cut(driver, image: bytes | None, timeout: float = 300, **options) -> dict:
    """Send ``unbg:cut`` with ``image`` and return the reply; ``png`` holds the PNG bytes."""
    driver.set_script_timeout(timeout)
    payload = None if image is None else base64.b64encode(image).decode()
    reply = driver.execute_async_script(POST_CUT, payload, options)
    if reply.get("png"):
        reply["png"] = base64.b64decode(reply["png"])
    return reply


def renderer_pids() -> list[int]:
    """The Chromium renderer processes on this machine (where the page and its workers run)."""
    pids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes()
            except OSError:
                continue
            if b"--type=renderer" in cmdline and b"chromium" in cmdline:
                pids.append(int(proc.name))
    return pids


def rss_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0
