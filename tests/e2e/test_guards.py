"""The guards every end-to-end test relies on must themselves catch what they claim to."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from selenium.common.exceptions import WebDriverException

from tests.e2e.conftest import console_errors, foreign_requests, forget_logs
from unbg.dev.serve import start_plain_server


FETCH_ELSEWHERE = "fetch('http://localhost:{port}/LICENSE', {{mode: 'no-cors'}}).catch(() => {{}}); console.error('boom')"


def test_guards_catch_console_errors_and_requests_to_other_origins(driver, tmp_path):
    # A page with no policy of ours (the app's would stop the request before it is sent).
    (tmp_path / "index.html").write_text("<!doctype html><title>no policy</title>")
    plain = start_plain_server(tmp_path)
    port = plain.server_address[1]
    try:
        driver.get(f"http://127.0.0.1:{port}/")
        driver.get_log("browser")
        driver.get_log("performance")
        # Another origin on loopback: same server, different host name.
        driver.execute_script(FETCH_ELSEWHERE.format(port=port))
        driver.execute_async_script("setTimeout(arguments[0], 300)")
        assert any("boom" in message for message in console_errors(driver))
        assert f"http://localhost:{port}/LICENSE" in foreign_requests(driver, f"http://127.0.0.1:{port}/")
    finally:
        plain.shutdown()


WORKER_FETCHES_ELSEWHERE = """
const [port, done] = arguments;
const worker = new Worker(URL.createObjectURL(new Blob([
  `fetch('http://localhost:${port}/LICENSE', {mode: 'no-cors'}).catch(() => 0).finally(() => postMessage('tried'))`])));
worker.onmessage = () => done();
"""


def test_a_workers_request_elsewhere_is_refused_and_fails_the_test(driver, base_url):
    """The performance log does not show workers' requests (measured); our policy refuses them and
    says so on the console, which fails the test (onnxruntime's, libheif's worker, any other)."""
    driver.get(base_url + "assets/css/app.css")
    driver.get_log("browser")
    driver.execute_async_script(WORKER_FETCHES_ELSEWHERE, urlsplit(base_url).port)
    errors = console_errors(driver)
    assert any("violates the following Content Security Policy" in message and "localhost" in message
               for message in errors), errors


def test_a_console_error_after_a_tests_checks_is_said_not_dropped(driver, base_url):
    driver.get(base_url + "assets/css/app.css")
    driver.get_log("browser")
    driver.execute_script("console.error('late error of an earlier page')")
    with pytest.warns(UserWarning, match="late error of an earlier page"):
        forget_logs(driver)  # what the next test's app fixture does first


def test_the_policy_stops_any_request_to_another_origin(driver, base_url):
    driver.get(base_url + "assets/css/app.css")  # any page of ours: every response carries the policy
    driver.get_log("browser")
    driver.get_log("performance")
    driver.execute_script(FETCH_ELSEWHERE.format(port=urlsplit(base_url).port))
    driver.execute_async_script("setTimeout(arguments[0], 300)")
    assert foreign_requests(driver, base_url) == []  # never sent
    assert any("Content Security Policy" in message for message in console_errors(driver))


def test_a_crashed_page_fails_one_test_and_the_next_gets_a_fresh_browser(browsers):
    crashed = browsers.live_driver()
    try:
        crashed.get("chrome://crash")
    except WebDriverException:
        pass  # "tab crashed": what a renderer out of memory looks like from here
    with pytest.raises(WebDriverException):
        crashed.execute_script("return 1")
    assert browsers.live_driver().execute_script("return 1") == 1
