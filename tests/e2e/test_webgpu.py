"""The GPU where there is one, WASM otherwise, the same alpha either way.

Chromium here has a WebGPU adapter only with WEBGPU_FLAGS, and then SwiftShader's: a software
adapter about 100× slower than WASM, which the page skips unless the URL asks for WebGPU.
So the GPU runs at a tiny working size.
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from tests.drawings import subject_jpeg
from tests.e2e.conftest import assert_clean, forget_logs
from tests.e2e.inference_worker import LOSE_DEVICE_ON_MARKED_RUN, MARK_NEXT_RUN
from unbg.dev.chromium import WEBGPU_FLAGS, Chromium
from unbg.dev.page import AppPage

SIZE = 64  # ISNet at 64² takes ~12 s on SwiftShader
PHOTO = subject_jpeg(160, 120)
WEBGPU_BUILD = "/assets/vendor/ort/ort.webgpu.min.mjs"


@pytest.fixture(scope="module")
def gpu_browser():
    """A Chromium of its own, with SwiftShader's WebGPU adapter."""
    browser = Chromium(extra_flags=tuple(WEBGPU_FLAGS))
    yield browser
    browser.quit()


@pytest.fixture
def open_page(gpu_browser, base_url):
    """``open_page(query)`` loads the app in the WebGPU browser; each page is checked after the test."""
    pages = []

    def open_page(query: str = "") -> AppPage:
        forget_logs(gpu_browser.driver)
        page = AppPage(gpu_browser.driver, base_url + query)
        page.open()
        pages.append(page)
        return page

    yield open_page
    for page in pages:
        assert_clean(page, base_url)


def mask(reply: dict) -> np.ndarray:
    assert reply["type"] == "unbg:result", reply
    return np.asarray(Image.open(io.BytesIO(reply["png"])), dtype=int)


def test_asked_for_webgpu_the_gpu_model_runs_there_with_the_alpha_of_wasm(open_page):
    wasm = open_page("?backend=wasm")
    reference = mask(wasm.post_cut(PHOTO, model="quality", output="mask", size=SIZE))
    assert wasm.page_data("backend") == "wasm"

    gpu = open_page("?backend=webgpu")
    # The page's default is the model that runs on its GPU, and the picker says where each runs.
    assert gpu.find("model").get_attribute("value") == "quality"
    assert "on your GPU" in gpu.model_label("quality") and "on the CPU" in gpu.model_label("fast")
    on_gpu = mask(gpu.post_cut(PHOTO, output="mask", size=SIZE))  # no model named: the page's default

    assert gpu.page_data("backend") == "webgpu"
    close = np.abs(on_gpu - reference) <= 2
    assert close.mean() >= 0.995, f"{(~close).mean():.2%} of pixels differ by more than 2/255"
    assert reference.min() < 30 and reference.max() > 200  # a real cut-out, not two blank masks


def test_a_software_adapter_is_skipped_unless_asked_for(open_page):
    page = open_page()
    assert page.find("model").get_attribute("value") == "fast"
    assert "GPU" not in page.model_label("quality")
    mask(page.post_cut(PHOTO, model="quality", output="mask", size=SIZE))
    assert page.page_data("backend") == "wasm"


def test_when_the_webgpu_build_does_not_load_the_page_runs_on_wasm(open_page, server):
    server.refused.add(WEBGPU_BUILD)  # onnxruntime's worker imports it: the server must refuse it
    try:
        page = open_page("?backend=webgpu")
        page.expected_console_errors.append("503")
        alpha = mask(page.post_cut(PHOTO, output="mask", size=SIZE))
    finally:
        server.refused.clear()
    assert page.page_data("backend") == "wasm"
    assert alpha.min() < 30 and alpha.max() > 200


def test_without_an_adapter_the_page_runs_on_wasm_and_never_fetches_the_webgpu_build(driver, base_url, server):
    forget_logs(driver)
    page = AppPage(driver, base_url + "?backend=webgpu")  # asked for, but this browser has no adapter
    asked_before = len(server.requested)
    page.open()
    mask(page.post_cut(PHOTO, model="quality", output="mask", size=SIZE))
    assert page.page_data("backend") == "wasm"
    asked = server.requested[asked_before:]
    assert any(path.endswith("ort-wasm-simd-threaded.wasm") for path in asked), asked
    assert not [path for path in asked if "webgpu" in path or "asyncify" in path]
    assert_clean(page, base_url)


def test_a_device_lost_before_a_run_gives_that_job_on_wasm_with_the_same_alpha(open_page, server):
    server.preludes["/assets/inference-worker.mjs"] = LOSE_DEVICE_ON_MARKED_RUN
    try:
        page = open_page("?backend=webgpu")
        on_gpu = mask(page.post_cut(PHOTO, output="mask", size=SIZE))
        assert page.page_data("backend") == "webgpu"
        page.script(MARK_NEXT_RUN, "loseDevice")
        after_loss = mask(page.post_cut(PHOTO, output="mask", size=SIZE))
    finally:
        server.preludes.clear()
    assert page.script("return window.unbgMarked") is True
    assert page.page_data("backend") == "wasm"  # the job ran again there, and the model stays there
    close = np.abs(after_loss - on_gpu) <= 2
    assert close.mean() >= 0.995, f"{(~close).mean():.2%} of pixels differ by more than 2/255"
