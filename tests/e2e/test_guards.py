"""The guards every end-to-end test relies on must themselves catch what they claim to."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from selenium.common.exceptions import WebDriverException

from tests.e2e.conftest import console_errors, foreign_requests


def test_guards_catch_console_errors_and_requests_to_other_origins(driver, base_url):
    driver.get(base_url + "assets/css/app.css")  # any page of ours that is not the app
    driver.get_log("browser")
    driver.get_log("performance")
    port = urlsplit(base_url).port
    # Another origin on loopback: same server, different host name.
    driver.execute_script(f"fetch('http://localhost:{port}/LICENSE', {{mode: 'no-cors'}}).catch(() => {{}}); console.error('boom')")
    driver.execute_async_script("setTimeout(arguments[0], 300)")

    assert any("boom" in message for message in console_errors(driver))
    assert f"http://localhost:{port}/LICENSE" in foreign_requests(driver, base_url)


def test_a_crashed_page_fails_one_test_and_the_next_gets_a_fresh_browser(browsers):
    crashed = browsers.live_driver()
    try:
        crashed.get("chrome://crash")
    except WebDriverException:
        pass  # "tab crashed": what a renderer out of memory looks like from here
    with pytest.raises(WebDriverException):
        crashed.execute_script("return 1")
    assert browsers.live_driver().execute_script("return 1") == 1
