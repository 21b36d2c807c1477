"""``python -m unbg eval DATA_DIR``: measure cut-out quality against ground-truth masks.

A set is a folder with ``images/<stem>.{jpg,png,...}`` and ``masks/<stem>.png`` of the
same size; DATA_DIR is one set or a folder of sets. Metrics take the alpha ``a`` and the
ground truth ``g`` as floats in 0..1 (pure numpy, no SciPy).
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path
from typing import Callable

import numpy as np

BETA2 = 0.3  # beta² of the F-measure: precision weighs more than recall, as in saliency papers
BOUNDARY_TOLERANCE = 0.0075  # of the image diagonal
EDGE_BACKGROUND = (0, 200, 60)  # the saturated green behind the edge-colour test
SOFT = 0.02  # a matte value above this and below 1 − this is a soft (semi-transparent) edge


def mae(a: np.ndarray, g: np.ndarray) -> float:
    """Mean absolute error."""
    return float(np.mean(np.abs(a - g)))


def sad(a: np.ndarray, g: np.ndarray) -> float:
    """Sum of absolute differences, in thousands (the alpha-matting convention)."""
    return float(np.sum(np.abs(a - g)) / 1000)


def iou(a: np.ndarray, g: np.ndarray) -> float:
    """Intersection over union of ``a > 0.5`` and ``g > 0.5``; 1 when both are empty."""
    pa, pg = a > 0.5, g > 0.5
    union = np.count_nonzero(pa | pg)
    return 1.0 if union == 0 else np.count_nonzero(pa & pg) / union


def _f_score(precision: float, recall: float, beta2: float) -> float:
    denominator = beta2 * precision + recall
    return 0.0 if denominator == 0 else (1 + beta2) * precision * recall / denominator


def f_beta(a: np.ndarray, g: np.ndarray, beta2: float = BETA2) -> float:
    """F-measure of ``a > 0.5`` against ``g > 0.5``; 1 when both are empty."""
    pa, pg = a > 0.5, g > 0.5
    hits, predicted, actual = np.count_nonzero(pa & pg), np.count_nonzero(pa), np.count_nonzero(pg)
    if predicted == 0 or actual == 0:
        return float(predicted == actual)
    return _f_score(hits / predicted, hits / actual, beta2)


def boundary(mask: np.ndarray) -> np.ndarray:
    """The 1-pixel inner boundary of a boolean mask: its pixels with any of 8 neighbours outside.

    Outside the image counts as background, as in the data README's reference numbers.
    """
    p = np.pad(mask, 1)
    h, w = mask.shape
    interior = mask.copy()
    for dy in (0, 1, 2):
        for dx in (0, 1, 2):
            interior &= p[dy : dy + h, dx : dx + w]
    return mask & ~interior


def dilate(mask: np.ndarray, radius: float) -> np.ndarray:
    """Every pixel within Euclidean distance ``radius`` of a True pixel of ``mask``."""
    h, w = mask.shape
    r = int(radius)
    # Row-wise window sums come from one cumulative sum; each row offset dy of the disc
    # then needs a horizontal window of half-width sqrt(radius² - dy²).
    cs = np.cumsum(np.pad(mask, ((r, r), (r + 1, r))), axis=1, dtype=np.int32)
    out = np.zeros_like(mask)
    for dy in range(-r, r + 1):
        half = int(math.sqrt(radius * radius - dy * dy))
        rows = cs[r + dy : r + dy + h]
        out |= rows[:, r + 1 + half : r + 1 + half + w] > rows[:, r - half : r - half + w]
    return out


def boundary_f(a: np.ndarray, g: np.ndarray, tolerance: float = BOUNDARY_TOLERANCE) -> float:
    """F1 of the boundaries of ``a > 0.5`` and ``g > 0.5``, matched within ``tolerance`` × the diagonal.

    The distance is rounded up to whole pixels, as in the data README's reference numbers.
    """
    ba, bg = boundary(a > 0.5), boundary(g > 0.5)
    na, ng = np.count_nonzero(ba), np.count_nonzero(bg)
    if na == 0 or ng == 0:
        return float(na == ng)
    radius = math.ceil(tolerance * math.hypot(*a.shape))
    precision = np.count_nonzero(ba & dilate(bg, radius)) / na
    recall = np.count_nonzero(bg & dilate(ba, radius)) / ng
    return _f_score(precision, recall, 1.0)


def score(a: np.ndarray, g: np.ndarray) -> dict[str, float]:
    """Every metric of alpha ``a`` against ground truth ``g`` (same shape, floats in 0..1)."""
    if a.shape != g.shape:
        raise ValueError(f"alpha {a.shape} and ground truth {g.shape} differ in size")
    return {"mae": mae(a, g), "sad": sad(a, g), "iou": iou(a, g), "f_beta": f_beta(a, g), "boundary_f": boundary_f(a, g)}


def edge_colour_error(cutout: Callable[[np.ndarray], np.ndarray], photo: np.ndarray,
                      matte: np.ndarray) -> tuple[float, float] | None:
    """How much of an old background the soft edge of a cut-out still carries.

    The photo's colours, taken as the subject's own colour F, are laid over saturated green
    with the ground-truth matte a: I = aF + (1 − a)·green. Where both the matte and the
    cut-out of I are semi-transparent, the cut-out's colour is compared with F, weighted by
    its alpha (that is how much of it shows on a new background). The same is measured for
    I's own colours: what a cut-out that keeps the photo's pixels would show.
    Returns (cut-out, photo colours) as mean absolute errors in 0..1, or None without a soft edge.
    """
    soft = (matte > SOFT) & (matte < 1 - SOFT)
    if soft.mean() < 0.001:  # a binary mask: nothing to measure
        return None
    subject = photo[..., :3].astype(np.float32)
    a = matte[..., None]
    composite = np.round(a * subject + (1 - a) * np.array(EDGE_BACKGROUND, np.float32))
    rgba = np.concatenate([composite, np.full(matte.shape + (1,), 255, np.float32)], -1).astype(np.uint8)
    result = cutout(rgba)
    alpha = result[..., 3].astype(np.float32) / 255
    edge = soft & (alpha > 0) & (alpha < 1)
    if not edge.any():
        return None
    shown = alpha[edge][:, None]
    error = lambda colours: float(np.mean(shown * np.abs(colours - subject[edge]))) / 255
    return error(result[edge][:, :3]), error(composite[edge])


def find_sets(data_dir: Path) -> list[Path]:
    """``data_dir`` if it is a set (has images/ and masks/), else its subfolders that are."""
    def is_set(path: Path) -> bool:
        return (path / "images").is_dir() and (path / "masks").is_dir()

    if is_set(data_dir):
        return [data_dir]
    return sorted(p for p in data_dir.iterdir() if is_set(p)) if data_dir.is_dir() else []


def pairs(set_dir: Path) -> list[tuple[Path, Path]]:
    """(image, mask) paths of a set, by stem, sorted; images without a mask are skipped."""
    masks = {p.stem: p for p in (set_dir / "masks").iterdir() if p.is_file()}
    images = sorted(p for p in (set_dir / "images").iterdir() if p.is_file() and p.stem in masks)
    return [(image, masks[image.stem]) for image in images]


def load_mask(path: Path) -> np.ndarray:
    """A ground-truth mask as float32 [H, W] in 0..1 (RGB masks have equal channels)."""
    from PIL import Image

    with Image.open(path) as image:
        return np.asarray(image.convert("L"), dtype=np.float32) / 255


HEADER = f"{'image':<28} {'size':>10} {'MAE':>7} {'SAD':>8} {'IoU':>6} {'Fβ':>6} {'bnd F':>6} {'s':>6}"


def _row(label: str, size: str, m: dict[str, float]) -> str:
    return (f"{label[:28]:<28} {size:>10} {m['mae']:7.4f} {m['sad']:8.2f} {m['iou']:6.3f} "
            f"{m['f_beta']:6.3f} {m['boundary_f']:6.3f} {m['seconds']:6.2f}")


def _mean(rows: list[dict[str, float]]) -> dict[str, float]:
    return {key: float(np.mean([row[key] for row in rows])) for key in rows[0]}


def evaluate(data_dir: Path, model: str, limit: int | None = None, views: int = 1) -> int:
    """Cut out every image of every set with ``model``, print a table per set and a summary.

    ``limit`` keeps the first N images of each set; ``views`` is the engine's (see NativeEngine).
    Returns the exit code: 1 on any failure.
    """
    from ..core.errors import BadInput, InferenceError, ModelLoadError
    from .engine import NativeEngine, decode_image

    sets = find_sets(data_dir)
    if not sets:
        print(f"unbg: {data_dir}: no set here (a set has images/ and masks/ folders)", file=sys.stderr)
        return 1
    engine = NativeEngine(model, views=views)
    label = model if views == 1 else f"{model}, best edges"  # how the tables name it
    try:
        engine.alpha(np.zeros((8, 8, 4), np.uint8))  # load the model now, so no image's time includes it
    except (ModelLoadError, InferenceError) as exc:
        print(f"unbg: {exc}", file=sys.stderr)
        return 1
    everything: list[dict[str, float]] = []
    edge_errors: list[tuple[float, float]] = []
    failures = 0
    for set_dir in sets:
        print(f"\n{set_dir.name} ({label})\n{HEADER}")
        results = []
        for image_path, mask_path in pairs(set_dir)[: limit]:
            try:
                rgba = decode_image(image_path.read_bytes(), image_path.name)
                began = time.perf_counter()
                alpha = engine.alpha(rgba)
                seconds = time.perf_counter() - began
                matte = load_mask(mask_path)
                metrics = score(alpha.astype(np.float32) / 255, matte)
                colours = edge_colour_error(engine.cutout, rgba, matte)
            except (BadInput, InferenceError, ValueError, OSError) as exc:
                print(f"unbg: {image_path}: {exc}", file=sys.stderr)
                failures += 1
                continue
            metrics["seconds"] = seconds
            results.append(metrics)
            if colours is not None:
                edge_errors.append(colours)
            print(_row(image_path.stem, f"{alpha.shape[1]}×{alpha.shape[0]}", metrics), flush=True)
        if results:
            print(_row(f"mean of {len(results)}", "", _mean(results)))
            everything += results
    if everything:
        m = _mean(everything)
        print(f"\nall {len(everything)} images ({label}): MAE {m['mae']:.4f}  SAD {m['sad']:.2f}  "
              f"IoU {m['iou']:.3f}  Fβ {m['f_beta']:.3f}  boundary F {m['boundary_f']:.3f}  {m['seconds']:.2f} s/image")
    if edge_errors:
        ours, photo = np.mean(edge_errors, axis=0)
        print(f"edge colour error over green, {len(edge_errors)} soft mattes: {ours:.4f} "
              f"(the photo's own colours: {photo:.4f})")
    return 1 if failures or not everything else 0
