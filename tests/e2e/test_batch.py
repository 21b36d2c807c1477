"""Batch mode: many photos at once, one at a time, nothing lost, Download all as one ZIP."""

from __future__ import annotations

import io
import zipfile

import numpy as np
from PIL import Image

from tests.drawings import draw_subject, subject_and_background

SIZES = {"egg.jpg": (320, 240), "egg.png": (240, 320), "tall.jpg": (200, 300), "wide.webp": (360, 200),
         "small.jpg": (160, 120)}


def write_photos(folder, sizes: dict) -> list:
    paths = []
    for name, (width, height) in sizes.items():
        path = folder / name
        draw_subject(width, height).save(path, quality=92)
        paths.append(path)
    return paths


def zip_contents(data: bytes) -> dict[str, np.ndarray]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_STORED}
    contents = {}
    for name in archive.namelist():
        image = Image.open(io.BytesIO(archive.read(name)))
        assert image.format == "PNG" and image.mode == "RGBA", name
        contents[name] = np.asarray(image)
    return contents


def assert_cut_out(pixels: np.ndarray) -> None:
    inside, outside = subject_and_background(pixels.shape[1], pixels.shape[0])
    assert pixels[..., 3][inside].min() > 200 and pixels[..., 3][outside].max() < 30


def test_a_batch_with_a_broken_photo_gives_a_zip_of_the_good_ones(app, tmp_path):
    photos = write_photos(tmp_path, SIZES)
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"this is not a photo" * 20)
    app.add_files([*photos[:3], broken, *photos[3:]])

    rows = app.wait_for_batch(6)
    assert [row["name"] for row in rows] == ["egg.jpg", "egg.png", "tall.jpg", "broken.jpg", "wide.webp", "small.jpg"]
    assert [row["status"] for row in rows] == ["done", "done", "done", "failed", "done", "done"]
    assert "not an image" in rows[3]["error"]
    assert app.find("batch-count").text == "5 / 6 done · 1 failed"
    assert app.component("result").get_attribute("hidden") is not None  # a batch opens nothing by itself

    contents = zip_contents(app.download_zip(tmp_path / "downloads"))
    # Two photos share the stem "egg": two names. Each PNG has its photo's size and alpha.
    expected = {"egg-nobg.png": "egg.jpg", "egg-nobg-2.png": "egg.png", "tall-nobg.png": "tall.jpg",
                "wide-nobg.png": "wide.webp", "small-nobg.png": "small.jpg"}
    assert list(contents) == list(expected)
    for name, photo in expected.items():
        width, height = SIZES[photo]
        assert contents[name].shape == (height, width, 4), name
        assert_cut_out(contents[name])

    # One photo on its own, in the format chosen for the batch.
    app.choose_output("webp")
    single = Image.open(io.BytesIO(app.download_item("tall.jpg", tmp_path / "downloads", "tall-nobg.webp")))
    assert single.format == "WEBP" and single.mode == "RGBA" and single.size == SIZES["tall.jpg"]
    app.choose_output("png")

    # Retry says the same; remove takes the photo out of the list and out of the ZIP.
    app.batch_action("broken.jpg", "retry")
    rows = app.wait_for_batch(6)
    assert rows[3]["status"] == "failed" and "not an image" in rows[3]["error"]
    app.batch_action("broken.jpg", "remove")
    app.wait_for(lambda d: len(app.batch_items()) == 5, 10)
    app.batch_action("egg.png", "remove")
    app.wait_for(lambda d: len(app.batch_items()) == 4, 10)
    assert list(zip_contents(app.download_zip(tmp_path / "downloads"))) == [
        "egg-nobg.png", "tall-nobg.png", "wide-nobg.png", "small-nobg.png"]


def test_cancel_the_rest_stops_after_the_current_photo_and_new_photos_run(app, tmp_path):
    photos = write_photos(tmp_path, {f"p{i}.jpg": (240, 180) for i in range(4)})
    app.add_files(photos)
    app.wait_for(lambda d: [row["status"] for row in app.batch_items()][:1] == ["running"], 120)
    app.cancel_rest()
    rows = app.wait_for_batch(1, 60)  # the waiting photos are gone; the running one stopped
    assert rows[0]["name"] == "p0.jpg" and rows[0]["status"] in ("cancelled", "done")
    jobs_done = app.jobs_done
    more = write_photos(tmp_path, {"q0.jpg": (200, 150), "q1.jpg": (150, 200)})
    app.add_files(more)
    rows = app.wait_for_batch(3)
    assert [row["status"] for row in rows[1:]] == ["done", "done"]
    assert app.jobs_done == jobs_done + 2


def test_edits_made_in_the_editor_are_in_that_items_png_only(app, tmp_path):
    photos = write_photos(tmp_path, {"one.jpg": (320, 240), "two.jpg": (320, 240)})
    app.add_files(photos)
    app.wait_for_batch(2)
    before = zip_contents(app.download_zip(tmp_path / "downloads"))

    before_jobs = app.jobs_done
    app.batch_action("two.jpg", "open")
    app.wait_for(lambda d: app.jobs_done > before_jobs and app.state == "ready")
    app.tool("erase")
    app.set_range("brush-hardness", 100)
    app.set_range("brush-size", 80)
    app.mouse_stroke([(100, 120), (220, 120)])
    app.back_to_list()
    assert "edited" in app.batch_items()[1]["text"]
    after = zip_contents(app.download_zip(tmp_path / "downloads"))

    assert np.array_equal(after["one-nobg.png"], before["one-nobg.png"])
    changed = np.any(after["two-nobg.png"] != before["two-nobg.png"], axis=-1)
    assert changed[110:130, 110:210].all()  # the stroke's middle
    assert not changed[:80].any() and not changed[170:].any()  # far from it nothing moved
    assert after["two-nobg.png"][120, 160, 3] == 0


def test_a_batch_started_while_the_model_downloads_waits_for_it(app, tmp_path):
    app.forget_models()  # a first visit
    app.open()
    photos = write_photos(tmp_path, {"a.jpg": (200, 150), "b.jpg": (150, 200)})
    app.add_files(photos)
    app.wait_for(lambda d: app.page_data("model-progress") not in ("", "1.0") or app.page_data("model-ready"), 60)
    rows = app.wait_for_batch(2)
    assert [row["status"] for row in rows] == ["done", "done"]
    assert app.page_data("model-progress") == "1.0"
