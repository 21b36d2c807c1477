"""One static server with the isolation headers, one headless Chromium, checks after every test."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from selenium.common.exceptions import WebDriverException

from unbg.dev.chromium import Chromium
from unbg.dev.page import AppPage
from unbg.dev.serve import start_server

LOCAL_SCHEMES = {"blob", "data"}


HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    # Every collected item passes through here, not only this folder's: mark only ours.
    for item in items:
        if HERE in Path(item.fspath).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def server():
    server = start_server()
    yield server
    server.shutdown()


@pytest.fixture(scope="session")
def base_url(server):
    host, port = server.server_address[:2]
    return f"http://{host}:{port}/"


LOG = Path(__file__).resolve().parents[2] / "test-artifacts" / "chromium.log"
CRASH_WORDS = ("FATAL", "Check failed", "crash", "Crash", "signal", "OOM", "out of memory", "renderer")


def crash_lines(log: Path, since: int = 0, limit: int = 12) -> list[str]:
    """The last lines of Chromium's log after byte ``since`` that may say why a tab crashed."""
    try:
        with log.open("rb") as file:
            file.seek(since)
            lines = file.read().decode(errors="replace").splitlines()
    except OSError:
        return []
    return [line[:300] for line in lines if any(word in line for word in CRASH_WORDS)][-limit:]


class Browsers:
    """One Chromium for the whole session, replaced if its page crashed, so a crash fails one test
    (and the run's summary says so, with what Chromium logged of it)."""

    def __init__(self) -> None:
        LOG.parent.mkdir(exist_ok=True)
        LOG.write_text("")  # this run's only
        self._start()

    def _start(self) -> None:
        self._log_from = LOG.stat().st_size  # what this browser logs comes after
        self._browser = Chromium(log_file=LOG)

    def live_driver(self):
        try:
            self._browser.driver.execute_script("return 1")
        except WebDriverException as error:  # "tab crashed", or the browser is gone
            try:
                self._browser.quit()
            except WebDriverException:
                pass
            logged = crash_lines(LOG, self._log_from)
            self._start()
            # Said in the run's summary: this test starts without what earlier ones cached (the model, the snapshot).
            warnings.warn(f"Chromium was replaced with a fresh profile after: {str(error).splitlines()[0]}; "
                          f"Chromium logged: {logged}", stacklevel=2)
        return self._browser.driver

    def quit(self) -> None:
        self._browser.quit()


@pytest.fixture(scope="session")
def browsers():
    browsers = Browsers()
    yield browsers
    browsers.quit()


@pytest.fixture
def driver(browsers):
    return browsers.live_driver()


def console_errors(driver) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def foreign_requests(driver, base_url: str) -> list[str]:
    """Every URL our page asked for that is not on our origin (performance log).

    Requests of Chromium's own pages (the new-tab page at start-up) are not ours to judge. Workers'
    requests are not in this log (measured): our content-security-policy refuses those, and its
    console error fails the test (test_guards).
    """
    origin = urlsplit(base_url)[:2]

    def ours(url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in LOCAL_SCHEMES or parts[:2] == origin

    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            params = message["params"]
            if ours(params.get("documentURL", "")) and not ours(params["request"]["url"]):
                urls.append(params["request"]["url"])
    return urls


def forget_logs(driver) -> None:
    """Start the browser's logs afresh; console errors logged after the previous test's checks are
    said in the run's summary (they belong to no test, but are not lost)."""
    late = console_errors(driver)
    driver.get_log("performance")
    if late:
        warnings.warn(f"console errors after the previous test had ended: {late}", stacklevel=2)


def assert_clean(page: AppPage, base_url: str) -> None:
    """No console error but those the test expects, and no request that left our origin."""
    errors = [error for error in console_errors(page.driver)
              if not any(words in error for words in page.expected_console_errors)]
    foreign = foreign_requests(page.driver, base_url)
    assert not errors, f"console errors: {errors}"
    assert not foreign, f"requests left our origin: {foreign}"


@pytest.fixture
def app(driver, base_url):
    """The app freshly loaded; after the test, no console error and no foreign request."""
    forget_logs(driver)
    page = AppPage(driver, base_url)
    page.open()
    yield page
    assert_clean(page, base_url)
