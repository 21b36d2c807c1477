"""The brush's strokes as data: dabs, the end cap, pen pressure, and which pointers paint."""

from __future__ import annotations

import math

import pytest

from unbg.core.brush import PALM_CONTACT_PX, BrushStroke, PointerPolicy, dabs, end_dab, pressure_radius, stroke_dabs


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


def test_a_stroke_ending_between_two_dabs_gets_an_end_cap_on_its_last_point():
    points = ((0.0, 0.0, 1.0), (20.5, 0.0, 1.0))  # dabs every 1.0: the last one along it falls at 20
    along, carry = dabs(points, 4.0)
    assert along[-1][0] == pytest.approx(20.0) and carry == pytest.approx(0.5)
    assert end_dab(points, 4.0, "mouse", carry) == [(20.5, 0.0, 4.0)]
    finished = stroke_dabs(BrushStroke("erase", 4.0, 1.0, points))
    assert finished == along + [(20.5, 0.0, 4.0)]  # undo's replay paints the cap the live stroke painted


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
    assert PALM_CONTACT_PX == 48  # a fingertip reports ~10-30 px
    assert policy.down(3, "touch", 48, 10) == "ignore"
    assert policy.down(8, "touch", 10, 48) == "ignore"
    assert policy.down(9, "touch", 47, 47) == "paint"
    policy.up(9, "touch")
    assert policy.down(4, "pen", 1, 1) == "paint"
    assert policy.down(5, "touch", 10, 10) == "ignore"
    policy.up(4, "pen")
    assert policy.down(6, "touch", 10, 10) == "paint"
    assert policy.down(7, "mouse", 1, 1) == "paint"
