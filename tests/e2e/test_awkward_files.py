"""Every awkward file through the page: the right cut-out, or a message that says what is wrong."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from tests.awkward_files import Refused, awkward_files, expected, subject_corner
from tests.drawings import draw_subject
from unbg.core.image_header import working_size

SIZE = 384  # the model's working size: enough for the drawn egg, a seventh of the full pass's work


def test_every_awkward_file_is_cut_or_refused_with_a_reason(app):
    for entry in awkward_files():
        name, data, _ = entry
        expectation = expected(entry, "page")
        reply = app.post_cut(data, model="fast", size=SIZE)
        if isinstance(expectation, Refused):
            assert (reply["type"], reply["code"]) == ("unbg:error", "bad_input"), (name, reply)
            assert expectation.words in reply["message"], (name, reply["message"])
            continue
        assert reply["type"] == "unbg:result", (name, reply)
        with Image.open(io.BytesIO(reply["png"])) as cut:
            assert cut.mode == "RGBA" and cut.size == expectation.size, (name, cut.size)
            alpha = np.asarray(cut)[..., 3]
        if expectation.corner:  # the egg covers about a quarter of the photo
            assert subject_corner(alpha) == expectation.corner and 0.15 < (alpha > 128).mean() < 0.4, name
        notes = " ".join(reply["notes"] or [])
        assert (expectation.note in notes) if expectation.note else not notes, (name, notes)


def test_a_photo_above_the_working_limit_is_cut_scaled_down_and_said_so(app):
    buffer = io.BytesIO()
    draw_subject(5000, 3600).save(buffer, "JPEG", quality=80)  # 18 MP
    reply = app.post_cut(buffer.getvalue(), model="fast", size=SIZE)
    assert reply["type"] == "unbg:result", reply
    assert (reply["width"], reply["height"]) == working_size(5000, 3600) and reply["scaledFrom"] == [5000, 3600]
    assert "scaled down from 5000 × 3600" in " ".join(reply["notes"])


def test_the_editor_says_an_animation_was_cut_at_its_first_frame(app, tmp_path):
    name, data, _ = next(entry for entry in awkward_files() if entry[0] == "animated.gif")
    (tmp_path / name).write_bytes(data)
    app.pick(tmp_path / name)
    notes = app.find("result-notes")
    assert notes.is_displayed() and "animated: its first frame is cut out" in notes.text
