"""A headless Chromium with a fresh profile, and its renderers' memory: for the e2e tests and the bench."""

from __future__ import annotations

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
# A WebGPU adapter in headless Chromium: SwiftShader's (a software fallback adapter, ~100× slower than WASM).
WEBGPU_FLAGS = ["--enable-unsafe-webgpu", "--enable-unsafe-swiftshader", "--use-webgpu-adapter=swiftshader"]


class Chromium:
    """A headless Chromium with a fresh profile, removed again on ``quit``."""

    def __init__(self, window_size: tuple[int, int] = (1280, 900), extra_flags: tuple[str, ...] = (),
                 log_file: Path | None = None) -> None:
        """``log_file``: chromedriver's output and Chromium's own errors (why a tab crashed) go there."""
        self._profile = tempfile.mkdtemp(prefix="unbg-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        logging = ["--enable-logging=stderr", "--log-level=2"] if log_file else []
        for flag in FLAGS + list(extra_flags) + logging + [f"--user-data-dir={self._profile}", f"--window-size={window_size[0]},{window_size[1]}"]:
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        # Downloads land in the throwaway profile, never in the home folder.
        options.add_experimental_option("prefs", {"download.default_directory": f"{self._profile}/downloads",
                                                  "download.prompt_for_download": False})
        # chromedriver's own log only for its errors: at its default level it logs every command's payload.
        service = (Service(CHROMEDRIVER, log_output=str(log_file), service_args=["--log-level=SEVERE"])
                   if log_file else Service(CHROMEDRIVER))
        self.driver = webdriver.Chrome(service=service, options=options)

    def quit(self) -> None:
        self.driver.quit()
        shutil.rmtree(self._profile, ignore_errors=True)


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


def _status_bytes(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def rss_bytes(pid: int) -> int:
    return _status_bytes(pid, "VmRSS")


def renderer_rss() -> int:
    """The largest RSS of the renderer processes now (where the page and its workers run)."""
    return max((rss_bytes(pid) for pid in renderer_pids()), default=0)


def high_water_mark(pid: int) -> int:
    """The process's peak RSS since it started, or since reset_high_water_mark."""
    return _status_bytes(pid, "VmHWM")


def reset_high_water_mark(pid: int) -> bool:
    """Start the peak RSS afresh (Linux: 5 to clear_refs); False where that is not allowed."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False
