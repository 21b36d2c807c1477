"""The first seconds: photos given while the app starts are kept and cut once it is ready."""

from __future__ import annotations

from tests.drawings import draw_subject, subject_jpeg


def test_a_photo_picked_and_one_dropped_while_the_page_starts_are_cut_in_order(app, server, tmp_path):
    picked, dropped = tmp_path / "picked.jpg", tmp_path / "dropped.png"
    draw_subject(240, 180).save(picked, quality=92)
    draw_subject(180, 240).save(dropped)

    python_may_start = server.hold("/main.py")  # the page stays starting until the photos are given
    try:
        app.start_loading()
        app.add_file(picked)
        app.drop_files([dropped])
        assert app.state == "loading"
        assert app.dropzone_hint == "Starting… your photo is next"
    finally:
        python_may_start.set()
        server.gates.clear()

    rows = app.wait_for_batch(2)
    assert [(row["name"], row["status"]) for row in rows] == [("picked.jpg", "done"), ("dropped.png", "done")]
    # A row says done once its cut is made; the page's job ends when the editor shows it.
    app.wait_for(lambda d: app.jobs_done == 2 and app.state == "ready", 60)
    assert app.driver.current_url == app.base_url  # the drop never made the browser open the photo
    assert app.dropzone_hint.startswith("or click to choose")
    assert app.find("result-size").text.startswith("180 × 240 px")  # the last one given is in the editor


def test_a_drop_anywhere_on_the_page_is_kept_from_the_browser(app):
    # A drop's default action is the browser opening the file in place of the app: it must be cancelled.
    for selector in ("footer", "header", "[data-component=dropzone]"):
        assert app.drag_and_drop_prevented(selector), selector


def test_python_starts_from_the_sites_snapshot_then_the_kept_one_and_boots_only_without_both(app):
    app.forget_python_snapshot()
    app.open()  # a first visit: the site's snapshot (made by `make build`)
    assert app.page_data("python-start") == "site-snapshot"
    assert app.post_cut(subject_jpeg(160, 120), size=256)["type"] == "unbg:result"  # that Python runs the whole app
    app.wait_for(lambda d: app.python_snapshot_bytes() > 2**20, 30)  # and it was kept
    app.open()
    assert app.page_data("python-start") == "snapshot"

    app.damage_python_snapshot()
    app.open()
    assert app.page_data("python-start") == "site-snapshot"  # the damaged one was dropped

    # Without the site's (a host that lost it, or offline before anything was kept): the long way,
    # and a snapshot of this browser's own made once the page is idle.
    app.forget_python_snapshot()
    app.expected_console_errors.append("ERR_BLOCKED_BY_CLIENT")
    app.block_urls(["*.snapshot"])
    try:
        app.open()
        assert app.page_data("python-start") == "boot"
        app.wait_for(lambda d: app.python_snapshot_bytes() > 2**20, 90)
    finally:
        app.block_urls([])
    app.open()
    assert app.page_data("python-start") == "snapshot"


def test_a_pasted_photo_and_a_dropped_one_are_cut_once_the_page_is_ready(app, tmp_path):
    pasted, dropped = tmp_path / "copied.png", tmp_path / "dragged.png"
    draw_subject(200, 160).save(pasted)
    draw_subject(160, 200).save(dropped)
    app.paste_files([pasted])
    app.drop_files([dropped])
    rows = app.wait_for_batch(2)
    assert [(row["name"], row["status"]) for row in rows] == [("copied.png", "done"), ("dragged.png", "done")]
    assert app.driver.current_url == app.base_url
