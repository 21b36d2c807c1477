"""One static server with the isolation headers, one headless Chromium, checks after every test."""

from __future__ import annotations

import json
import shutil
import tempfile
from urllib.parse import urlsplit

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from unbg.serve import start_server

from .app_page import AppPage

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    "--window-size=1280,900",
]
LOCAL_SCHEMES = {"blob", "data"}


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def base_url():
    server = start_server()
    host, port = server.server_address[:2]
    yield f"http://{host}:{port}/"
    server.shutdown()


@pytest.fixture(scope="session")
def driver():
    profile = tempfile.mkdtemp(prefix="unbg-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS + [f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    browser = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield browser
    browser.quit()
    shutil.rmtree(profile, ignore_errors=True)


def console_errors(driver) -> list[str]:
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def foreign_requests(driver, base_url: str) -> list[str]:
    """Every URL the page asked for that is not on our origin (performance log)."""
    origin = urlsplit(base_url)[:2]
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            url = message["params"]["request"]["url"]
            parts = urlsplit(url)
            if parts.scheme not in LOCAL_SCHEMES and parts[:2] != origin:
                urls.append(url)
    return urls


@pytest.fixture
def app(driver, base_url):
    """The app freshly loaded; after the test, no console error and no foreign request."""
    driver.get_log("browser")  # drop what earlier tests left
    driver.get_log("performance")
    page = AppPage(driver, base_url)
    page.open()
    yield page
    errors = console_errors(driver)
    foreign = foreign_requests(driver, base_url)
    assert not errors, f"console errors: {errors}"
    assert not foreign, f"requests left our origin: {foreign}"
