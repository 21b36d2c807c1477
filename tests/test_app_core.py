"""The pure core behind the UI: store, actions, strokes, viewport, crop, and what the page ships."""

from __future__ import annotations

import ast
import sys
import tomllib
from pathlib import Path

import pytest

from unbg.build.bytecode import APP_BYTECODE
from unbg.build.site import browser_files, pyscript_config
from unbg.core import actions
from unbg.core.brush import BrushStroke
from unbg.core.crop import crop_plane, subject_box
from unbg.core.store import Store
from unbg.core.viewport import View, clamp_split, fit, pan, pinch, zoom_at

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


def test_page_jobs_count_every_outcome_and_a_new_job_clears_the_error():
    store = actions.create_store()
    actions.job_started(store, 1, "a.jpg")
    assert (store.get("page"), store.get("running_job"), store.get("stage")) == ("busy", 1, "decode")
    actions.job_ended(store, 1, error="bad")
    assert (store.get("page"), store.get("error"), store.get("jobs_done")) == ("error", "bad", 1)
    actions.job_started(store, 2, "b.jpg")
    assert store.get("error") is None
    actions.job_ended(store, 1)  # an earlier job's late news leaves the running one alone
    assert (store.get("page"), store.get("running_job"), store.get("jobs_done")) == ("busy", 2, 2)
    actions.job_ended(store, 2)
    assert (store.get("page"), store.get("running_job"), store.get("jobs_done")) == ("ready", None, 3)


def test_a_new_cut_out_is_fitted_and_stays_fitted_until_zoomed():
    store = actions.create_store()
    actions.frame_resized(store, 800, 600)
    actions.job_done(store, {"name": "x", "width": 4000, "height": 3000})
    assert store.get("view") == View(0.2, 0.0, 0.0)
    actions.frame_resized(store, 400, 300)  # the window shrank: still the whole photo
    assert store.get("view") == View(0.1, 0.0, 0.0)
    actions.zoom_step(store, 2.0)  # about the frame's centre
    assert store.get("view").scale == pytest.approx(0.2)
    assert store.get("view").to_image(200, 150) == pytest.approx((2000, 1500))
    actions.frame_resized(store, 800, 600)  # zoomed by hand: a resize keeps the person's view
    assert store.get("view").scale == pytest.approx(0.2) and store.get("fitted") is False
    actions.zoom_step(store, None)
    assert store.get("view") == View(0.2, 0.0, 0.0) and store.get("fitted") is True


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


def imported_modules(path: Path) -> set[str]:
    """Our modules ``path`` imports: ``from unbg.core import actions``, ``from . import dom``, ``import x.y``."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)  # may name a submodule
    return {name for name in names if name.split(".")[0] in ("unbg", "components")}


def module_files(name: str) -> list[Path]:
    """The files importing ``name`` loads: its own, and the __init__ of every package on the way."""
    parts = name.split(".")
    files = [ROOT.joinpath(*parts[:i], "__init__.py") for i in range(1, len(parts) + 1)]
    files.append(ROOT.joinpath(*parts).with_suffix(".py"))
    return [file for file in files if file.exists()]


def browser_closure() -> set[Path]:
    """Every file of ours that main.py loads, directly or not."""
    todo, seen = [ROOT / "main.py"], set()
    while todo:
        for name in imported_modules(todo.pop()):
            for file in module_files(name):
                if file not in seen:
                    seen.add(file)
                    todo.append(file)
    return seen


def test_the_walker_follows_relative_imports_and_package_inits():
    closure = browser_closure()
    assert ROOT / "unbg" / "core" / "__init__.py" in closure  # via `from unbg.core import actions`
    assert ROOT / "unbg" / "web" / "dom.py" in closure
    assert ROOT / "unbg" / "core" / "jobs.py" in closure  # via the core face's relative imports
    assert ROOT / "unbg" / "core" / "crop.py" in closure  # via web/export.py's `from ..core.crop import`


def test_pyscript_config_ships_every_module_the_page_imports_and_nothing_native():
    """A module missing from [files] works natively and breaks only in the browser."""
    shipped = set(tomllib.loads((ROOT / "pyscript.toml").read_text())["files"])
    assert (ROOT / "pyscript.toml").read_text() == pyscript_config(), "run `make build`: pyscript.toml is out of date"
    missing = {f"./{p.relative_to(ROOT)}" for p in browser_closure()} - shipped
    assert not missing, f"main.py imports files the page does not get: {sorted(missing)}"
    assert shipped == set(browser_files()) | {f"./{APP_BYTECODE.as_posix()}"}  # and their bytecode
    native = [name for name in shipped if name.startswith(("./unbg/native", "./unbg/build", "./unbg/dev"))]
    assert not native


@pytest.mark.parametrize("folder", ["unbg/core", "components"])
def test_only_the_web_side_imports_the_browser(folder):
    for path in (ROOT / folder).glob("*.py"):
        roots = {node.names[0].name.split(".")[0] if isinstance(node, ast.Import) else (node.module or "").split(".")[0]
                 for node in ast.walk(ast.parse(path.read_text())) if isinstance(node, (ast.Import, ast.ImportFrom))}
        assert not roots & {"js", "pyodide", "pyscript"}, f"{path.relative_to(ROOT)} imports a browser module"


def test_the_core_imports_only_the_standard_library_and_itself():
    for path in (ROOT / "unbg" / "core").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                assert node.module.split(".")[0] in sys.stdlib_module_names, f"{path.name} imports {node.module}"
            if isinstance(node, ast.ImportFrom) and node.level > 1:
                raise AssertionError(f"{path.name} imports from outside the core")


# What each room may import of ours: nothing upward, no runtime into another's.
MAY_IMPORT = {"core": {"core"}, "web": {"core", "web"}, "native": {"core", "native"}, "build": {"core", "build"},
              "dev": {"core", "native", "build", "dev"}}  # the dev server sends the build's headers


@pytest.mark.parametrize("room", sorted(MAY_IMPORT))
def test_each_room_imports_only_what_it_may(room):
    for path in (ROOT / "unbg" / room).glob("*.py"):
        rooms = {name.split(".")[1] for name in imported_modules(path) if name.startswith("unbg.") and name.count(".")}
        assert rooms <= MAY_IMPORT[room], f"{path.relative_to(ROOT)} imports unbg.{sorted(rooms - MAY_IMPORT[room])}"


def test_no_source_file_is_over_300_lines():
    long = [str(path.relative_to(ROOT)) for folder in ("unbg", "components", "tests") for path in (ROOT / folder).rglob("*.py")
            if len(path.read_text().splitlines()) > 300]
    assert not long + ([] if len((ROOT / "main.py").read_text().splitlines()) <= 300 else ["main.py"])


def test_crop_finds_the_subject_and_grows_it_by_the_margin():
    width, height = 10, 8
    alpha = bytearray(width * height)
    for y in range(2, 6):
        alpha[y * width + 3 : y * width + 7] = b"\xff" * 4  # the subject: x 3..6, y 2..5
    alpha[0] = 5  # faint model noise is not the subject
    assert subject_box(bytes(alpha), width, height, 0) == (3, 2, 4, 4)
    assert subject_box(bytes(alpha), width, height, 50) == (1, 0, 8, 8)
    assert subject_box(bytes(width * height), width, height, 10) == (0, 0, width, height)
    assert crop_plane(bytes(alpha), width, (3, 2, 4, 4)) == b"\xff" * 16


def test_speed_labels_say_what_was_measured_here_else_estimate_else_compare():
    from unbg.core.speed import remember, speed_label

    assert speed_label("fast", {}) == "about 2× faster"
    assert speed_label("quality", {}) == "about 2× slower"
    measured = remember({}, "quality", 12_400)
    assert speed_label("quality", measured) == "~12 s here"
    assert speed_label("fast", measured) == "~7 s here (estimate)"
    measured = remember(measured, "fast", 2_000)
    assert speed_label("fast", measured) == "~2.0 s here"
    measured = remember(measured, "fast", 3_000)  # one slower photo moves the label only part way
    assert measured["fast"] == 2_300
