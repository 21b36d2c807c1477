"""The guards every end-to-end test relies on must themselves catch what they claim to."""

from __future__ import annotations

from urllib.parse import urlsplit

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
