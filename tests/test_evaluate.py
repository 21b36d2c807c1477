"""Quality metrics on tiny hand-computable arrays, and ``unbg eval`` on a drawn data set."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from tests.drawings import CX, CY, RX, RY, draw_subject
from unbg.native.cli import main
from unbg.native.evaluate import boundary, boundary_f, dilate, f_beta, iou, mae, sad, score


def square(size: int, top: int, left: int, side: int) -> np.ndarray:
    """A float image of zeros with a ``side``-long square of ones."""
    image = np.zeros((size, size), np.float32)
    image[top : top + side, left : left + side] = 1
    return image


def test_mae_and_sad():
    a = np.zeros((2, 2), np.float32)
    g = np.array([[1, 0.5], [0, 0]], np.float32)
    assert mae(a, g) == pytest.approx(1.5 / 4)
    assert sad(a, g) == pytest.approx(1.5 / 1000)


def test_iou_and_f_beta():
    a = np.array([[1, 1, 1, 1]], np.float32)  # 4 predicted
    g = np.array([[1, 1, 0, 0]], np.float32)  # 2 actual, both found
    assert iou(a, g) == pytest.approx(2 / 4)
    precision, recall = 0.5, 1.0
    assert f_beta(a, g) == pytest.approx(1.3 * precision * recall / (0.3 * precision + recall))
    assert iou(a, a) == f_beta(a, a) == 1
    assert iou(a * 0.5, a) == f_beta(a * 0.5, a) == 0  # 0.5 itself is background


def test_empty_masks():
    empty, full = np.zeros((3, 3)), np.ones((3, 3))
    assert iou(empty, empty) == f_beta(empty, empty) == boundary_f(empty, empty) == 1
    assert iou(empty, full) == f_beta(full, empty) == 0
    assert boundary_f(empty, square(9, 2, 2, 4)) == 0


def test_boundary_is_the_inner_ring():
    ring = boundary(square(5, 1, 1, 3) > 0.5)
    expected = square(5, 1, 1, 3) > 0.5
    expected[2, 2] = False
    assert (ring == expected).all()
    assert boundary(np.ones((4, 4), bool)).sum() == 12  # the frame is a boundary too
    holed = square(7, 1, 1, 5) > 0.5
    holed[2, 2] = False
    assert boundary(holed)[3, 3] and not boundary(holed)[3, 4]  # a diagonal neighbour outside counts


def test_dilate_is_a_disc():
    point = np.zeros((7, 7), bool)
    point[3, 3] = True
    assert dilate(point, 1).sum() == 5  # a plus
    assert dilate(point, 1.5).sum() == 9  # the 3×3 square
    assert dilate(point, 2).sum() == 13  # rows of 1, 3, 5, 3, 1
    corner = np.zeros((7, 7), bool)
    corner[0, 0] = True
    assert dilate(corner, 2).sum() == 6  # cut by the frame: rows of 3, 2, 1


def test_boundary_f():
    truth = square(100, 20, 20, 40)
    assert boundary_f(truth, truth) == 1
    one_pixel = 0.9 / np.hypot(100, 100)  # rounded up to 1 pixel
    # A 1-pixel shift is within a 1-pixel tolerance everywhere.
    assert boundary_f(square(100, 20, 21, 40), truth, tolerance=one_pixel) == 1
    # Shifted 3 pixels right: of each 156-pixel ring, 38 + 38 top and bottom pixels and the
    # 2 side pixels next to the corners match within 1 pixel, so precision = recall = 1/2.
    assert boundary_f(square(100, 20, 23, 40), truth, tolerance=one_pixel) == pytest.approx(0.5)


def test_score_refuses_different_sizes():
    with pytest.raises(ValueError, match="differ in size"):
        score(np.zeros((2, 3)), np.zeros((3, 2)))


def draw_pair(folder, stem: str, width: int, height: int) -> None:
    """The drawn photo and its ground truth, saved as a JPEG and an RGB PNG mask."""
    draw_subject(width, height).save(folder / "images" / f"{stem}.jpg", quality=92)
    mask = Image.new("RGB", (width, height))
    box = [width * (CX - RX), height * (CY - RY), width * (CX + RX), height * (CY + RY)]
    ImageDraw.Draw(mask).ellipse(box, fill=(255, 255, 255))
    mask.save(folder / "masks" / f"{stem}.png")


def test_eval_command(tmp_path, capsys):
    drawn = tmp_path / "sets" / "drawn"
    (drawn / "images").mkdir(parents=True)
    (drawn / "masks").mkdir()
    draw_pair(drawn, "wide", 320, 240)
    draw_pair(drawn, "tall", 240, 320)
    assert main(["eval", str(tmp_path / "sets"), "--model", "fast"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "drawn (fast)" in lines
    assert [line.split()[:2] for line in lines if line.startswith(("tall", "wide"))] == [["tall", "240×320"], ["wide", "320×240"]]
    summary = lines[-1].split()
    assert summary[:4] == ["all", "2", "images", "(fast):"]
    assert float(summary[summary.index("MAE") + 1]) < 0.03
    assert float(summary[summary.index("IoU") + 1]) > 0.95


def test_eval_without_sets(tmp_path, capsys):
    assert main(["eval", str(tmp_path)]) == 1
    assert "no set here" in capsys.readouterr().err


def test_edge_colour_error_compares_the_soft_edge_with_the_subject_colour():
    from unbg.native.evaluate import edge_colour_error

    photo = np.zeros((40, 40, 4), np.uint8)
    photo[..., 0] = 220  # a red subject
    matte = np.tile(np.linspace(0, 1, 40, dtype=np.float32), (40, 1))  # a soft ramp, left to right
    alpha = np.round(matte * 255).astype(np.uint8)[..., None]
    keeps_the_photo = lambda rgba: np.concatenate([rgba[..., :3], alpha], -1)
    ours, photo_colours = edge_colour_error(keeps_the_photo, photo, matte)
    assert ours == pytest.approx(photo_colours) and photo_colours > 0.05
    knows_the_subject = lambda rgba: np.concatenate([photo[..., :3], alpha], -1)
    ours, photo_colours = edge_colour_error(knows_the_subject, photo, matte)
    assert ours == 0 and photo_colours > 0.05
    assert edge_colour_error(keeps_the_photo, photo, (matte > 0.5).astype(np.float32)) is None


def test_eval_with_best_edges_and_a_limit_on_soft_mattes(tmp_path, capsys):
    drawn = tmp_path / "soft"
    (drawn / "images").mkdir(parents=True)
    (drawn / "masks").mkdir()
    draw_pair(drawn, "a", 320, 240)
    draw_pair(drawn, "b", 240, 320)
    with Image.open(drawn / "masks" / "a.png") as mask:
        mask.filter(ImageFilter.GaussianBlur(4)).save(drawn / "masks" / "a.png")  # a real matte: a soft edge
    assert main(["eval", str(drawn), "--model", "fast", "--best", "--limit", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "soft (fast, best edges)" in lines
    assert [line.split()[0] for line in lines if line.startswith(("a ", "b "))] == ["a"]  # the limit: one image
    assert any(line.startswith("all 1 images (fast, best edges):") for line in lines)
    (edge,) = [line for line in lines if line.startswith("edge colour error over green")]
    ours, photo = (float(word.strip("():")) for word in edge.split() if word.strip("():").replace(".", "").isdigit()
                   and "." in word)
    assert "1 soft mattes" in edge and 0 < ours < 1 and 0 < photo < 1  # means of colour distances in 0..1
