"""How far a batch is and how long the rest will take, from the photos done so far."""

from __future__ import annotations


def time_left(done: int, total: int, elapsed_s: float) -> float | None:
    """Seconds until the last photo is done at the pace so far; None before the first is done."""
    if done <= 0 or elapsed_s <= 0:
        return None
    return max(total - done, 0) * elapsed_s / done


def time_left_label(seconds: float | None) -> str:
    """``about 2 min left``, ``about 40 s left``; empty when nothing can be said yet."""
    if seconds is None:
        return ""
    if seconds < 1:
        return "almost done"
    if seconds < 90:
        return f"about {max(5, round(seconds / 5) * 5)} s left"
    return f"about {round(seconds / 60)} min left"
