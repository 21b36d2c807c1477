"""The whole path in the real page: pick a photo, the browser's alpha equals the native one."""

from __future__ import annotations

import base64
import io
import json
import re

import numpy as np
import pytest
from PIL import Image

from tests.drawings import draw_subject, subject_and_background, subject_jpeg
from unbg.build.site import ROOT
from unbg.core.models import BEST_VIEWS, DEFAULT_MODEL, MODEL_DIR
from unbg.native.engine import NativeEngine, decode_image

WIDTH, HEIGHT = 900, 640


@pytest.fixture(scope="module")
def native():
    return NativeEngine(DEFAULT_MODEL)  # what a picked photo gets


def write_photo(path, fmt: str) -> bytes:
    image = draw_subject(WIDTH, HEIGHT)
    if fmt == "heic":
        import pillow_heif

        # A grid of 256² tiles, as a phone writes it (of 512²): the page decodes its rows of tiles
        # on both cores, and the edge tiles reach past the photo.
        pillow_heif.from_pillow(image).save(path, quality=90, tile_size=256)
    else:
        image.save(path, format=fmt, quality=92)
    return path.read_bytes()


def assert_same_alpha(browser_alpha: np.ndarray, native_alpha: np.ndarray) -> None:
    """Within 1/255 on 99.9 % of the pixels (a HEIC's two decoders differ on a few)."""
    assert browser_alpha.shape == native_alpha.shape
    diff = np.abs(browser_alpha.astype(int) - native_alpha.astype(int))
    assert (diff <= 1).mean() >= 0.999, f"max diff {diff.max()}, {(diff > 1).sum()} pixels differ by more than 1"


def assert_cuts_subject(alpha: np.ndarray) -> None:
    inside, outside = subject_and_background(alpha.shape[1], alpha.shape[0])
    assert alpha[inside].min() > 200
    assert alpha[outside].max() < 30


@pytest.mark.parametrize("fmt, suffix", [("JPEG", "jpg"), ("heic", "heic")])
def test_picked_photo_is_cut_out_like_the_native_engine(app, native, server, tmp_path, fmt, suffix):
    photo = tmp_path / f"product shot.{suffix}"
    data = write_photo(photo, fmt)
    asked_before = len(server.requested)

    app.pick(photo)

    assert app.state == "ready", app.error_message
    # Decoded in a worker, not on the page's thread (its pixels, its bitmap, the preview's copy): on
    # the page, a 12 MP JPEG's pixels were a 148 ms task, libheif a 1-2.5 s one.
    asked = server.requested[asked_before:]
    assert "/assets/decode-worker.mjs" in asked
    assert ("/assets/vendor/libheif/libheif-bundle.mjs" in asked) == (fmt == "heic")
    loaded_here = app.script("return performance.getEntriesByType('resource').map((entry) => entry.name)")
    assert not [url for url in loaded_here if "libheif" in url]
    # A quick low-resolution preview came first, then the full pass replaced it.
    assert app.previews_shown == 1
    timings = app.result_timings
    assert 0 < timings["preview_ms"] < timings["total_ms"]
    assert not app.find("preview").is_displayed()
    # The picker now tells how long the model took on this device, next to its download size.
    assert re.fullmatch(r"Fast · \d+ MB · ~\d+(\.\d)? s here", app.model_label("fast")), app.model_label("fast")
    assert re.fullmatch(r"Full precision · \d+ MB · ~\d+(\.\d)? s here \(estimate\)", app.model_label("quality")), \
        app.model_label("quality")
    name, png = app.export("png")
    assert name == "product shot-nobg.png"
    cutout = Image.open(io.BytesIO(png))
    assert cutout.format == "PNG" and cutout.mode == "RGBA" and cutout.size == (WIDTH, HEIGHT)
    browser = np.asarray(cutout)
    photo = decode_image(data)
    native_cutout = native.cutout(photo)
    if fmt == "JPEG":
        # Both decode with libjpeg-turbo and the int8 model's integer kernels are exact on WASM and
        # x86 (session.x64quantprecision): the same alpha to the bit.
        assert np.array_equal(browser[..., 3], native_cutout[..., 3])
    else:
        # libheif-js and pillow-heif differ by a step or two on some pixels, which the int8 model
        # turns into a different alpha on a few hundred (measured: 265 of 576,000 off by more than 1).
        assert_same_alpha(browser[..., 3], native_cutout[..., 3])
    assert_cuts_subject(browser[..., 3])
    # The soft edge carries the model's estimate of the subject's colour, not the photo's mix.
    # Compared where both alphas agree: the HEIC decoders differ by a step or two on a few
    # pixels, and the int8 model turns that into a different alpha on a few hundred.
    agree = np.abs(browser[..., 3].astype(int) - native_cutout[..., 3]) <= 1
    edge = (native_cutout[..., 3] >= 128) & (native_cutout[..., 3] < 255) & (browser[..., 3] >= 128) & agree
    assert edge.sum() > 50
    assert np.abs(browser[edge][:, :3].astype(int) - native_cutout[edge][:, :3]).max() <= 3
    assert np.abs(photo[edge][:, :3].astype(int) - native_cutout[edge][:, :3]).max() > 10


def test_a_heic_with_a_thumbnail_shows_its_preview_before_its_tiles_are_decoded(app, tmp_path):
    import pillow_heif

    photo = tmp_path / "phone.heic"
    # As a phone writes it: a 12 MP grid of 512² tiles and a 320 × 240 thumbnail.
    pillow_heif.from_pillow(draw_subject(4032, 3024)).save(photo, quality=90, tile_size=512, thumbnails=[320],
                                                          enc_params={"preset": "ultrafast"})
    app.drag_over_dropzone()  # the model's session first: what is compared is the decode and the preview
    app.wait_for_model_ready(DEFAULT_MODEL, 120)
    app.pick(photo)
    assert app.state == "ready", app.error_message
    timings = app.result_timings
    assert app.previews_shown == 1 and timings["preview_ms"] < timings["decode_ms"], timings
    # The preview is the thumbnail's cut-out: its size, the egg upright in it.
    preview = Image.open(io.BytesIO(base64.b64decode(app.script(
        "return document.querySelector('[data-testid=preview]').toDataURL().split(',')[1]"))))
    assert preview.size == (320, 240)
    assert_cuts_subject(np.asarray(preview)[..., 3])


def test_the_best_edges_switch_cuts_out_with_two_views(app, tmp_path):
    photo = tmp_path / "vase.jpg"
    data = write_photo(photo, "JPEG")
    app.toggle_best()
    try:
        app.pick(photo)
        assert app.state == "ready", app.error_message
        browser = np.asarray(Image.open(io.BytesIO(app.export("png")[1])))
    finally:
        app.toggle_best()
    pixels = decode_image(data)
    two_views = NativeEngine(DEFAULT_MODEL, views=BEST_VIEWS).alpha(pixels)
    assert np.array_equal(browser[..., 3], two_views)  # a JPEG, the int8 model: to the bit
    one_view = NativeEngine(DEFAULT_MODEL).alpha(pixels)
    assert (browser[..., 3] != two_views).sum() < (browser[..., 3] != one_view).sum()


def test_bad_files_show_a_message_and_the_next_file_works(app, tmp_path):
    garbage = tmp_path / "notes.jpg"
    garbage.write_bytes(b"this is not an image at all" * 10)
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    truncated = tmp_path / "cut short.jpg"
    whole = write_photo(tmp_path / "whole.jpg", "JPEG")
    truncated.write_bytes(whole[: len(whole) // 2])

    tiff = tmp_path / "scan.tif"
    draw_subject(64, 48).save(tiff)

    for bad, words in [(garbage, "not an image"), (empty, "empty"), (truncated, "damaged or incomplete"), (tiff, "save it as PNG")]:
        app.pick(bad)
        assert app.state == "error"
        assert words in app.error_message

    app.pick(tmp_path / "whole.jpg")
    assert app.state == "ready"
    assert app.error_message is None
    assert app.export("png")[0] == "whole-nobg.png"


def test_dragging_a_file_over_the_page_starts_loading_the_model(app, server):
    """Prewarm: the model loads before any file is dropped, and a first visit without a drag never downloads it."""
    app.forget_models()  # a first visit
    asked_before = len(server.requested)
    app.open()
    asked = lambda: server.requested[asked_before:]
    app.wait_for(lambda d: app.page_data("warm-start") == "done", 60)  # nothing more happens unasked
    assert app.page_data("prewarmed") == "" and not [path for path in asked() if path.endswith(".onnx")]
    app.drag_over_dropzone()
    assert app.page_data("prewarmed") == DEFAULT_MODEL
    app.wait_for(lambda d: app.page_data("model-progress") == "1.0", 120)
    assert [path for path in asked() if path.endswith(".onnx")] == [f"/{MODEL_DIR}/fast.onnx"]
    assert app.jobs_done == 0


def test_a_returning_visitor_finds_the_model_ready_before_the_first_photo(app):
    assert app.post_cut(subject_jpeg(320, 240), model=DEFAULT_MODEL)["type"] == "unbg:result"  # now it is cached
    app.open()
    app.wait_for_model_ready(DEFAULT_MODEL)
    assert app.jobs_done == 0
    # Its bytes came from Cache Storage, not the network, then its session was created.
    assert app.resource_count(".onnx") == 0
    assert int(app.page_data("session-ms")) > 0
    reply = app.post_cut(subject_jpeg(320, 240), model=DEFAULT_MODEL)
    assert reply["type"] == "unbg:result" and "model" not in reply["progress"]  # no wait for the model


def test_a_damaged_saved_model_is_found_and_fetched_again(app):
    assert app.post_cut(subject_jpeg(160, 120), model=DEFAULT_MODEL)["type"] == "unbg:result"  # now it is cached
    url = app.flip_a_cached_model_byte()
    app.open()  # a later visit: the saved copy is read, and checked
    reply = app.post_cut(subject_jpeg(160, 120), model=DEFAULT_MODEL)
    assert reply["type"] == "unbg:result"
    assert app.page_data("model-damaged") == DEFAULT_MODEL
    assert app.resource_count(".onnx") == 1  # downloaded again
    expected = json.loads((ROOT / MODEL_DIR / "models.json").read_text())[DEFAULT_MODEL]["sha256"]
    assert app.cached_model_sha256(url) == expected  # and saved whole


def test_a_failed_model_download_offers_a_retry_that_cuts_the_photo(app, tmp_path):
    app.forget_models()  # a first visit, with the connection gone when the model is fetched
    app.open()
    app.expected_console_errors.append("ERR_BLOCKED_BY_CLIENT")  # Chromium's line for the refused download
    app.block_urls(["*.onnx*"])
    try:
        photo = tmp_path / "egg.jpg"
        photo.write_bytes(subject_jpeg(320, 240))
        app.pick(photo)
        assert "could not be loaded" in app.error_message and "try again" in app.error_message
        retry = app.find("error-retry")
        assert retry.is_displayed()
    finally:
        app.block_urls([])
    before = app.jobs_done
    retry.click()
    app.wait_for(lambda d: app.jobs_done > before)
    assert app.state == "ready" and app.error_message is None
    assert app.find("result-size").text.startswith("320 × 240 px")
    assert app.batch_items()[0]["status"] == "done"


def test_the_model_chosen_in_the_picker_is_the_one_that_cuts(app, tmp_path):
    path = tmp_path / "jug.jpg"
    draw_subject(480, 320).save(path, quality=92)
    app.choose_model("quality")
    app.pick(path)
    assert app.state == "ready", app.error_message
    assert app.page_data("model-ready") == "quality"
    browser = np.asarray(Image.open(io.BytesIO(app.export("png")[1])))[..., 3].astype(int)
    pixels = decode_image(path.read_bytes())
    quality = NativeEngine("quality").alpha(pixels).astype(int)
    fast = NativeEngine("fast").alpha(pixels).astype(int)
    differs = np.abs(quality - fast) > 2  # where the two models disagree, the browser has quality's alpha
    assert differs.sum() >= 50, differs.sum()
    assert np.abs(browser - quality)[differs].max() <= 1
    assert_same_alpha(browser, quality)


HEADERS = """
const done = arguments[arguments.length - 1];
Promise.all(["./", "assets/vendor/ort/ort-wasm-simd-threaded.wasm", "assets/runtime.mjs"].map(async (path) => {
  const response = await fetch(path, {method: "HEAD"});
  return Object.fromEntries(["content-type", "cross-origin-opener-policy", "cross-origin-embedder-policy"]
                            .map((name) => [name, response.headers.get(name)]));
})).then(done);
"""


def test_the_page_is_isolated_and_onnxruntime_starts_its_threads(app, server):
    asked_before = len(server.requested)
    app.open()
    assert app.post_cut(subject_jpeg(160, 120), size=256)["type"] == "unbg:result"
    assert app.script("return crossOriginIsolated") is True
    assert app.page_data("threads") == str(app.script("return navigator.hardwareConcurrency")) != "1"
    page, wasm, module = app.async_script(HEADERS)
    assert page["cross-origin-opener-policy"] == "same-origin" and page["cross-origin-embedder-policy"] == "require-corp"
    assert wasm["content-type"] == "application/wasm" and module["content-type"].startswith("text/javascript")
    # Each of onnxruntime's threads is a worker that loads its module again: its own worker and one more.
    loads = [path for path in server.requested[asked_before:] if path.endswith("ort-wasm-simd-threaded.mjs")]
    assert len(loads) >= 2, loads
