"""``unbg cut``, run in-process."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
from PIL import Image

from tests.drawings import draw_subject, subject_and_background
from unbg.native.cli import main
from unbg.core.models import BEST_VIEWS
from unbg.native.engine import NativeEngine, decode_image

WIDTH, HEIGHT = 512, 384


@pytest.fixture
def photos(tmp_path):
    """A folder with a JPEG and a PNG of the drawn subject."""
    folder = tmp_path / "photos"
    folder.mkdir()
    draw_subject(WIDTH, HEIGHT).save(folder / "egg.jpg", quality=92)
    draw_subject(HEIGHT, WIDTH).save(folder / "tall.png")
    (folder / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")  # hidden: never tried
    return folder


def test_folder_with_a_bad_file(photos, tmp_path, capsys):
    (photos / "broken.jpg").write_bytes(b"this is not a JPEG")
    out = tmp_path / "out" / "nested"  # created if missing
    assert main(["cut", str(photos), "-o", str(out)]) == 1
    assert sorted(p.name for p in out.iterdir()) == ["egg-nobg.png", "tall-nobg.png"]
    for name, size in [("egg-nobg.png", (WIDTH, HEIGHT)), ("tall-nobg.png", (HEIGHT, WIDTH))]:
        with Image.open(out / name) as result:
            assert result.mode == "RGBA" and result.size == size
    errors = capsys.readouterr().err.splitlines()
    assert [line for line in errors if line.startswith("unbg:")] == [
        f"unbg: {photos / 'broken.jpg'}: This file is not an image unbg can read "
        "(JPEG, PNG, WebP, HEIC, AVIF, GIF, BMP or TIFF)."
    ]
    assert any(line.startswith("[3/3]") and "tall-nobg.png" in line for line in errors)


def test_mask(photos, tmp_path):
    out = tmp_path / "out"
    assert main(["cut", str(photos / "egg.jpg"), "-o", str(out), "--mask"]) == 0
    with Image.open(out / "egg-mask.png") as mask:
        assert mask.mode == "L" and mask.size == (WIDTH, HEIGHT)
        alpha = np.asarray(mask)
    inside, outside = subject_and_background(WIDTH, HEIGHT)
    assert alpha[inside].min() > 200 and alpha[outside].max() < 30


def test_best_edges_mask_is_the_two_view_alpha(photos, tmp_path):
    out = tmp_path / "out"
    assert main(["cut", str(photos / "egg.jpg"), "-o", str(out), "--mask", "--best"]) == 0
    with Image.open(out / "egg-mask.png") as mask:
        alpha = np.asarray(mask)
    rgba = decode_image((photos / "egg.jpg").read_bytes())
    assert np.array_equal(alpha, NativeEngine(views=BEST_VIEWS).alpha(rgba))
    assert not np.array_equal(alpha, NativeEngine().alpha(rgba))  # one view differs


def test_fast_model(photos, tmp_path):
    out = tmp_path / "out"
    assert main(["cut", str(photos / "tall.png"), "-o", str(out), "--model", "fast"]) == 0
    with Image.open(out / "tall-nobg.png") as result:
        alpha = np.asarray(result)[..., 3]
    inside, outside = subject_and_background(HEIGHT, WIDTH)
    assert alpha[inside].min() > 200 and alpha[outside].max() < 30


def test_same_stem_twice_gets_two_names(photos, tmp_path):
    draw_subject(WIDTH, HEIGHT).save(photos / "egg.webp")
    out = tmp_path / "out"
    assert main(["cut", str(photos / "egg.jpg"), str(photos / "egg.webp"), "-o", str(out), "--model", "fast"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["egg-nobg-2.png", "egg-nobg.png"]


def test_zip_of_a_folder_with_a_bad_file(photos, tmp_path, capsys):
    (photos / "broken.jpg").write_bytes(b"this is not a JPEG")
    archive = tmp_path / "cut outs.zip"
    assert main(["cut", str(photos), "--zip", str(archive)]) == 1  # no -o: only the ZIP
    with zipfile.ZipFile(archive) as opened:
        assert opened.testzip() is None
        infos = opened.infolist()
        assert [info.filename for info in infos] == ["egg-nobg.png", "tall-nobg.png"]
        assert {info.compress_type for info in infos} == {zipfile.ZIP_STORED}
        for info, size in zip(infos, [(WIDTH, HEIGHT), (HEIGHT, WIDTH)]):
            with Image.open(io.BytesIO(opened.read(info))) as result:
                assert result.mode == "RGBA" and result.size == size
    assert "broken.jpg: This file is not an image" in capsys.readouterr().err


def test_missing_input(tmp_path, capsys):
    missing = tmp_path / "nowhere.jpg"
    assert main(["cut", str(missing), "-o", str(tmp_path / "out")]) == 1
    assert f"unbg: {missing}: no such file or folder" in capsys.readouterr().err


def test_empty_folder(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["cut", str(tmp_path / "empty"), "-o", str(tmp_path / "out")]) == 1
    assert "no files to cut out" in capsys.readouterr().err


def test_missing_model(photos, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("UNBG_MODEL_DIR", str(tmp_path / "no-models"))
    assert main(["cut", str(photos), "-o", str(tmp_path / "out")]) == 1
    errors = capsys.readouterr().err
    assert "fast.onnx is missing: run `make build` first." in errors  # the default model
    assert errors.count("unbg:") == 1  # stops at once instead of failing every file


@pytest.mark.parametrize(
    "argv",
    [[], ["cut"], ["cut", "x.jpg"], ["cut", "x.jpg", "-o", "out", "--model", "huge"], ["paint", "x.jpg"],
     ["cut", "x.jpg", "--size", "100"], ["cut", "x.jpg", "--size", "2048"]],  # x.jpg: nowhere to go
)
def test_usage_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert "usage: unbg" in capsys.readouterr().err


def test_every_awkward_file_is_cut_or_refused_with_a_reason(tmp_path, capsys):
    from tests.awkward_files import Refused, awkward_files, expected, subject_corner

    folder, out = tmp_path / "awkward", tmp_path / "out"
    folder.mkdir()
    entries = awkward_files()
    for name, data, _ in entries:
        (folder / name).write_bytes(data)
    assert main(["cut", str(folder), "-o", str(out), "--model", "fast", "--size", "384"]) == 1  # some are refused
    lines = capsys.readouterr().err.splitlines()
    for entry in entries:
        name, _, _ = entry
        expectation = expected(entry, "native")
        said = [line for line in lines if line.startswith(f"unbg: {folder / name}: ")]
        result = out / (name.rsplit(".", 1)[0] + "-nobg.png")
        if isinstance(expectation, Refused):
            assert not result.exists(), name
            assert len(said) == 1 and expectation.words in said[0], (name, said)
            continue
        with Image.open(result) as cut:
            assert cut.mode == "RGBA" and cut.size == expectation.size, (name, cut.size)
            alpha = np.asarray(cut)[..., 3]
        if expectation.corner:  # the egg covers about a quarter of the photo
            assert subject_corner(alpha) == expectation.corner and 0.15 < (alpha > 128).mean() < 0.4, name
        assert [line for line in said if expectation.note is None or expectation.note not in line] == [], (name, said)
        if expectation.note:
            assert any(expectation.note in line for line in said), (name, said)


def test_a_photo_above_the_working_size_is_cut_scaled_down_and_said_so(tmp_path, capsys):
    draw_subject(400, 300).save(tmp_path / "big.jpg", quality=90)
    assert main(["cut", str(tmp_path / "big.jpg"), "-o", str(tmp_path / "out"), "--model", "fast", "--size", "256",
                 "--max-megapixels", "0.03"]) == 0
    with Image.open(tmp_path / "out" / "big-nobg.png") as cut:
        assert cut.size == (200, 150)
    assert "400 × 300" in capsys.readouterr().err
