"""Undo and redo of brush strokes, kept as strokes (not pixels): a 12 MP edit stays small."""

from __future__ import annotations

from .brush import BrushStroke


def add_stroke(strokes: tuple, redo: tuple, stroke: BrushStroke) -> tuple[tuple, tuple]:
    """A new stroke forgets what could have been redone."""
    return strokes + (stroke,), ()


def undo(strokes: tuple, redo: tuple) -> tuple[tuple, tuple]:
    if not strokes:
        return strokes, redo
    return strokes[:-1], (strokes[-1],) + redo


def redo(strokes: tuple, redo_stack: tuple) -> tuple[tuple, tuple]:
    if not redo_stack:
        return strokes, redo_stack
    return strokes + (redo_stack[0],), redo_stack[1:]
