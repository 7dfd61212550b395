from __future__ import annotations

import pytest

from halluxpath.core.grading import hva_grade, ima_grade, is_hallux_varus, severity


@pytest.mark.parametrize(
    ("hva", "grade"),
    [
        (-12.0, "normal"),
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
def test_hva_bands_include_their_upper_bound(hva: float, grade: str) -> None:
    assert hva_grade(hva) == grade


@pytest.mark.parametrize(
    ("ima", "grade"),
    [
        (-3.0, "normal"),
        (8.99, "normal"),
        (9.0, "mild"),
        (11.0, "mild"),
        (11.01, "moderate"),
        (16.0, "moderate"),
        (16.01, "severe"),
    ],
)
def test_ima_bands_include_their_upper_bound(ima: float, grade: str) -> None:
    assert ima_grade(ima) == grade


def test_severity_is_the_worse_of_the_two_grades() -> None:
    assert severity(16.0, 17.0) == "severe"
    assert severity(41.0, 5.0) == "severe"
    assert severity(25.0, 10.0) == "moderate"
    assert severity(10.0, 10.0) == "mild"
    assert severity(-5.0, -2.0) == "normal"


def test_hallux_varus_is_a_negative_hva() -> None:
    assert is_hallux_varus(-0.01)
    assert not is_hallux_varus(0.0)
