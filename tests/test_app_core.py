"""The pure core behind the UI: store, actions, strokes, viewport, and the browser file list."""

from __future__ import annotations

import ast
import math
import tomllib
from pathlib import Path

import pytest

from unbg import actions
from unbg.brush import PALM_CONTACT_PX, BrushStroke, PointerPolicy, dabs, end_dab, pressure_radius, stroke_dabs
from unbg.store import Store
from unbg.viewport import View, clamp_split, fit, pan, pinch, zoom_at

ROOT = Path(__file__).resolve().parent.parent


def test_subscribe_calls_at_once_and_unsubscribe_stops_it():
    store = Store(count=0)
    seen = []
    unsubscribe = store.subscribe(lambda state: seen.append(state["count"]))
    store.set(count=1)
    unsubscribe()
    store.set(count=2)
    assert seen == [0, 1]


def test_set_notifies_only_on_change_and_batch_flushes_once():
    store = Store(a=1, b=2)
    seen = []
    store.subscribe(lambda state: seen.append((state["a"], state["b"])))
    store.set(a=1)
    with store.batch():
        store.set(a=5)
        store.set(b=6)
        assert seen == [(1, 2)]
    assert seen == [(1, 2), (5, 6)]


def test_a_subscriber_setting_state_leaves_everyone_with_the_newest_state():
    store = Store(view=None)
    store.subscribe(lambda state: state["view"] is None and store.set(view="fitted"))  # like the slider's fit
    last_seen = []
    store.subscribe(lambda state: last_seen.append(state["view"]))
    store.set(view=None)
    store.set(view="zoomed")
    store.set(view=None)
    assert last_seen[-1] == "fitted" and store.get("view") == "fitted"


def test_queue_is_worked_in_order_and_jobs_count_every_outcome():
    store = actions.create_store()
    actions.files_added(store, ["f1", "f2"], ["a.jpg", "b.jpg"])
    assert store.get("prewarm") is True
    first = actions.next_job(store)
    assert (first["id"], first["name"]) == (1, "a.jpg")
    actions.job_started(store, first["id"], first["name"])
    assert store.get("page") == "busy"
    actions.job_failed(store, "bad")
    assert (store.get("page"), store.get("error"), store.get("jobs_done")) == ("error", "bad", 1)
    second = actions.next_job(store)
    actions.job_started(store, second["id"], second["name"])
    assert store.get("error") is None
    actions.cancel_job(store)
    assert store.get("cancelled_job") == 2
    actions.job_cancelled(store)
    assert (store.get("page"), store.get("jobs_done")) == ("ready", 2)
    assert actions.next_job(store) is None


def stroke(mode="erase", x=0.0):
    return BrushStroke(mode, 5.0, 1.0, ((x, 0.0, 0.5), (x + 10, 0.0, 0.5)))


def test_undo_redo_and_reset_keep_strokes_in_order():
    store = actions.create_store()
    one, two, three = stroke(x=0), stroke(x=1), stroke(x=2)
    for s in (one, two):
        actions.stroke_finished(store, s)
    actions.undo_stroke(store)
    assert store.get("strokes") == (one,) and store.get("redo") == (two,)
    actions.redo_stroke(store)
    assert store.get("strokes") == (one, two) and store.get("redo") == ()
    actions.reset_edits(store)
    assert store.get("strokes") == ()
    actions.redo_stroke(store)
    actions.redo_stroke(store)
    assert store.get("strokes") == (one, two)
    actions.undo_stroke(store)
    actions.stroke_finished(store, three)  # a new stroke forgets the redo stack
    assert store.get("strokes") == (one, three) and store.get("redo") == ()


def test_new_result_starts_with_clean_edits():
    store = actions.create_store()
    actions.stroke_finished(store, stroke())
    actions.set_split(store, 0.2)
    actions.job_done(store, {"name": "x"})
    assert store.get("strokes") == () and store.get("split") == 0.5 and store.get("view") is None


def test_dabs_are_evenly_spaced_across_events_and_capped_at_the_end():
    points = [(0.0, 0.0, 1.0), (7.0, 0.0, 1.0), (20.0, 0.0, 1.0)]
    whole, carry = dabs(points, 4.0)
    first, carry1 = dabs(points[:2], 4.0)
    second, carry2 = dabs(points[1:], 4.0, carry=carry1)
    assert [round(d[0], 6) for d in whole] == [round(d[0], 6) for d in first + second]
    gaps = [b[0] - a[0] for a, b in zip(whole, whole[1:])]
    assert all(math.isclose(gap, 1.0) for gap in gaps)  # 25% of the radius
    assert end_dab(points, 4.0, "mouse", carry2) == ([(20.0, 0.0, 4.0)] if carry2 else [])
    finished = stroke_dabs(BrushStroke("erase", 4.0, 1.0, tuple(points)))
    assert finished[-1][:2] == (20.0, 0.0) and finished[0][:2] == (0.0, 0.0)


def test_only_pen_pressure_scales_the_brush():
    assert pressure_radius(10, "pen", 0.0) == 10
    assert pressure_radius(10, "pen", 1.0) == 10
    assert pressure_radius(10, "pen", 0.2) == pytest.approx(4.0)
    assert pressure_radius(10, "mouse", 0.5) == 10
    assert pressure_radius(10, "touch", 0.2) == 10
    pen = BrushStroke("erase", 10, 1, ((0, 0, 0.2), (1, 0, 0.2)), "pen")
    assert stroke_dabs(pen)[0][2] == pytest.approx(4.0)


def test_pointer_policy_rejects_palms_and_touch_under_a_pen():
    policy = PointerPolicy()
    assert policy.down(1, "touch", 20, 20) == "paint"
    assert policy.down(2, "touch", 20, 20) == "gesture"
    policy.up(1, "touch")
    policy.up(2, "touch")
    assert policy.down(3, "touch", PALM_CONTACT_PX, 10) == "ignore"
    assert policy.down(4, "pen", 1, 1) == "paint"
    assert policy.down(5, "touch", 10, 10) == "ignore"
    policy.up(4, "pen")
    assert policy.down(6, "touch", 10, 10) == "paint"
    assert policy.down(7, "mouse", 1, 1) == "paint"


def test_zoom_keeps_the_point_under_the_cursor():
    view = fit(800, 600, 4000, 3000)
    assert view == View(0.2, 0.0, 0.0)
    zoomed = zoom_at(view, 2.0, 300, 200, view.scale)
    assert zoomed.scale == pytest.approx(0.4)
    assert zoomed.to_image(300, 200) == pytest.approx(view.to_image(300, 200))
    assert zoom_at(view, 1e-6, 0, 0, view.scale).scale == pytest.approx(0.1)  # never below half the fit
    assert zoom_at(view, 1e9, 0, 0, view.scale).scale == 32.0
    assert pan(view, 5, -5) == View(0.2, 5.0, -5.0)


def test_pinch_zooms_by_finger_distance_and_pans_by_their_midpoint():
    view = View(1.0, 0.0, 0.0)
    result = pinch(view, ((100, 100), (200, 100)), ((50, 110), (250, 110)), fit_scale=1.0)
    assert result.scale == pytest.approx(2.0)
    assert result.to_image(150, 110) == pytest.approx(view.to_image(150, 100))


def test_split_is_a_clamped_fraction():
    assert clamp_split(-1) == 0 and clamp_split(2) == 1 and clamp_split("0.25") == 0.25


def browser_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in ("unbg", "components"):
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level and node.module:
            names.add(f"{path.parent.name}.{node.module}")
    return names


def test_pyscript_config_ships_every_module_the_page_imports():
    """A module missing from [files] works natively and breaks only in the browser."""
    shipped = set(tomllib.loads((ROOT / "pyscript.toml").read_text())["files"])
    todo, seen = [ROOT / "main.py"], set()
    while todo:
        path = todo.pop()
        for name in browser_imports(path):
            candidate = ROOT / (name.replace(".", "/") + ".py")
            if candidate.exists() and candidate not in seen:
                seen.add(candidate)
                todo.append(candidate)
    missing = {f"./{p.relative_to(ROOT)}" for p in seen} - shipped
    assert not missing, f"add to pyscript.toml [files]: {sorted(missing)}"
    assert "./components/dom.py" in shipped and "./unbg/brush.py" in shipped


def test_speed_labels_say_what_was_measured_here_else_estimate_else_compare():
    from unbg.speed import remember, speed_label

    assert speed_label("fast", {}) == "about 2× faster"
    assert speed_label("quality", {}) == "about 2× slower"
    measured = remember({}, "quality", 12_400)
    assert speed_label("quality", measured) == "~12 s here"
    assert speed_label("fast", measured) == "~7 s here (estimate)"
    measured = remember(measured, "fast", 2_000)
    assert speed_label("fast", measured) == "~2.0 s here"
    measured = remember(measured, "fast", 3_000)  # one slower photo moves the label only part way
    assert measured["fast"] == 2_300
