"""The built site (make dist) on a host that sends no headers: isolation, offline, install, policy, updates."""

from __future__ import annotations

import pytest

from tests.drawings import subject_jpeg
from tests.e2e.conftest import console_errors, foreign_requests
from unbg.build.dist import build_dist, write_worker
from unbg.dev.page import AppPage
from unbg.dev.serve import start_plain_server


class Site:
    """dist/ written into a folder of its own and served by a plain static server (no headers)."""

    def __init__(self, folder) -> None:
        self.folder = folder
        self.expected_errors: list[str] = []  # console errors a test caused on purpose
        build_dist(folder)
        self.start()

    def start(self) -> None:
        self.server = start_plain_server(self.folder)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def rebuild_with(self, old: str, new: str) -> None:
        """A new build: one change to the page, a new worker (as `make dist` would write it)."""
        index = self.folder / "index.html"
        index.write_text(index.read_text().replace(old, new))
        write_worker(self.folder, [])


@pytest.fixture
def site(driver, tmp_path):
    driver.get_log("browser")
    driver.get_log("performance")
    site = Site(tmp_path / "site")
    yield site
    errors = [e for e in console_errors(driver) if not any(part in e for part in site.expected_errors)]
    foreign = foreign_requests(driver, site.url)
    driver.get("about:blank")  # nothing of this site (a reload under way) carries into the next test
    site.stop()
    assert not errors, f"console errors: {errors}"
    assert not foreign, f"requests left our origin: {foreign}"


def cut_a_photo(page: AppPage, path) -> None:
    page.pick(path)
    assert page.error_message is None
    assert page.find("result-size").text.startswith("160 × 120 px")


def test_a_plain_host_gives_an_isolated_installable_app_that_works_offline(driver, site, tmp_path):
    photo = tmp_path / "egg.jpg"
    photo.write_bytes(subject_jpeg(160, 120))
    page = AppPage(driver, site.url)
    driver.get(site.url)
    state = page.wait_until_isolated()  # one automatic reload, then the worker's headers
    assert state["threads"] > 1 and state["url"] == site.url
    assert page.installability_errors() == []

    headers = page.response_headers("./index.html")
    assert headers["cross-origin-embedder-policy"] == "require-corp"
    assert "default-src 'self'" in headers["content-security-policy"]
    site.expected_errors.append("Executing inline script violates")
    assert page.inline_script_blocked() == {"ran": False, "violated": "script-src-elem"}
    cut_a_photo(page, photo)
    assert page.page_data("offline-ready") == "" and page.script("return 'offlineReady' in document.documentElement.dataset")

    page.hard_reload()  # bypasses the worker: the page reloads itself once more to be isolated
    assert page.wait_until_isolated()["threads"] > 1

    site.stop()  # offline
    driver.refresh()
    assert page.wait_until_isolated()["threads"] > 1
    cut_a_photo(page, photo)
    site.start()  # for the fixture's checks; another port, so nothing of it is used


def test_a_new_build_waits_for_the_person_and_never_mixes(driver, site):
    page = AppPage(driver, site.url)
    driver.get(site.url)
    page.wait_until_isolated()
    assert page.shell_caches() and len(page.shell_caches()) == 1
    site.rebuild_with("right here on your device", "right here, on your own device")

    page.check_for_update()
    page.wait_for(lambda d: page.find_css("[data-testid=update-notice]").is_displayed(), 60)
    assert "right here on your device" in page.find_css(".tagline").text
    index = page.async_script("fetch('./index.html').then(r => r.text()).then(arguments[0])")
    assert "right here on your device" in index  # the open page's build serves it, not the new one

    page.find("update-reload").click()
    page.wait_for(lambda d: "on your own device" in ((page.site_state() or {}).get("tagline") or ""), 60)
    assert page.wait_until_isolated()  # the new build, isolated too
    assert len(page.shell_caches()) == 1  # the old build's cache is gone


def test_a_photo_shared_to_the_installed_app_is_cut(driver, site):
    page = AppPage(driver, site.url)
    driver.get(site.url)
    page.wait_until_isolated()
    page.share(subject_jpeg(160, 120), "shared egg.jpg", "image/jpeg")
    page.wait_for(lambda d: page.jobs_done == 1)
    assert page.error_message is None
    assert page.find("result-size").text.startswith("160 × 120 px")
    assert page.script("return location.href") == site.url  # a refresh does not post it again
