"""Severity grading, contract v1 (spec/measurements.md, Severity; DOMAIN §2)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from halluxpath.core.grading import (
    GRADES,
    SEVERITY_SCALE_NAME,
    hva_grade,
    ima_grade,
    is_hallux_varus,
    severity,
)

angles = st.floats(min_value=-90, max_value=90, allow_nan=False)


@pytest.mark.parametrize(
    ("hva_deg", "grade"),
    [
        (-25.0, "normal"),
        (-0.01, "normal"),
        (0.0, "normal"),
        (14.99, "normal"),
        (15.0, "mild"),
        (20.0, "mild"),
        (20.01, "moderate"),
        (40.0, "moderate"),
        (40.01, "severe"),
        (75.0, "severe"),
    ],
)
def test_each_hva_band_includes_its_upper_bound(hva_deg: float, grade: str) -> None:
    assert hva_grade(hva_deg) == grade


@pytest.mark.parametrize(
    ("ima_deg", "grade"),
    [
        (-6.0, "normal"),
        (8.99, "normal"),
        (9.0, "mild"),
        (11.0, "mild"),
        (11.01, "moderate"),
        (16.0, "moderate"),
        (16.01, "severe"),
        (30.0, "severe"),
    ],
)
def test_each_ima_band_includes_its_upper_bound(ima_deg: float, grade: str) -> None:
    assert ima_grade(ima_deg) == grade


def test_a_hair_above_a_bound_is_already_the_next_grade() -> None:
    # Grading uses unrounded angles: 20.000001 reads "20.0" yet is moderate.
    assert hva_grade(20.000001) == "moderate"
    assert ima_grade(16.000001) == "severe"


@pytest.mark.parametrize(
    ("hva_deg", "ima_deg", "grade"),
    [
        (10.0, 5.0, "normal"),
        (15.0, 5.0, "mild"),
        (10.0, 9.0, "mild"),
        (25.0, 8.4, "moderate"),
        (10.0, 12.0, "moderate"),
        (16.0, 17.0, "severe"),
        (41.0, 5.0, "severe"),
        (45.0, 20.0, "severe"),
    ],
)
def test_the_foot_takes_the_worse_of_the_hva_and_ima_grades(
    hva_deg: float, ima_deg: float, grade: str
) -> None:
    assert severity(hva_deg, ima_deg) == grade


def test_negative_angles_grade_as_normal() -> None:
    assert severity(-12.0, -4.0) == "normal"
    assert severity(-50.0, 10.0) == "mild"  # the IMA alone decides


def test_hallux_varus_is_an_hva_below_zero() -> None:
    assert is_hallux_varus(-0.01)
    assert is_hallux_varus(-30.0)
    assert not is_hallux_varus(0.0)
    assert not is_hallux_varus(12.0)


def test_the_scale_printed_beside_grades_names_its_source() -> None:
    assert "contract v1" in SEVERITY_SCALE_NAME
    assert "Coughlin & Mann" in SEVERITY_SCALE_NAME


@given(angles, angles)
def test_severity_is_the_worse_grade_of_the_two_angles(hva_deg: float, ima_deg: float) -> None:
    worse = max(GRADES.index(hva_grade(hva_deg)), GRADES.index(ima_grade(ima_deg)))
    assert severity(hva_deg, ima_deg) == GRADES[worse]


@given(angles, angles, st.floats(min_value=0, max_value=30))
def test_a_larger_angle_never_gives_a_milder_grade(
    hva_deg: float, ima_deg: float, more: float
) -> None:
    rank = GRADES.index
    assert rank(severity(hva_deg + more, ima_deg)) >= rank(severity(hva_deg, ima_deg))
    assert rank(severity(hva_deg, ima_deg + more)) >= rank(severity(hva_deg, ima_deg))
