"""Severity grading of hallux valgus from HVA and IMA (spec/measurements.md, DOMAIN §2).

The contract's bands (v1): the worse of the HVA grade and the IMA grade.
Upper bounds are inclusive (HVA 20.0 is mild, 20.01 moderate) and grading
uses unrounded values. A negative angle grades as normal for that angle.
No standard scale exists (DOMAIN §2, note "literature vs contract"), so the
scale's name is printed beside every grade.
"""

from __future__ import annotations

SEVERITY_SCALE_NAME = "HalluxPath contract v1 bands (after Coughlin & Mann)"
GRADES = ("normal", "mild", "moderate", "severe")

# Inclusive upper bound of normal, mild and moderate; above the last: severe.
HVA_UPPER_BOUNDS = (15.0, 20.0, 40.0)
IMA_UPPER_BOUNDS = (9.0, 11.0, 16.0)


def _grade(angle_deg: float, bounds: tuple[float, float, float]) -> str:
    if angle_deg < bounds[0]:  # "normal" is strictly below the first bound
        return GRADES[0]
    for grade, upper in zip(GRADES[1:3], bounds[1:], strict=True):
        if angle_deg <= upper:
            return grade
    return GRADES[3]


def hva_grade(hva_deg: float) -> str:
    """HVA < 15 normal; 15-20 mild; > 20-40 moderate; > 40 severe."""
    return _grade(hva_deg, HVA_UPPER_BOUNDS)


def ima_grade(ima_deg: float) -> str:
    """IMA < 9 normal; 9-11 mild; > 11-16 moderate; > 16 severe."""
    return _grade(ima_deg, IMA_UPPER_BOUNDS)


def severity(hva_deg: float, ima_deg: float) -> str:
    """The worse of the two grades."""
    return max(hva_grade(hva_deg), ima_grade(ima_deg), key=GRADES.index)


def is_hallux_varus(hva_deg: float) -> bool:
    """HVA below 0°: the big toe points medially (DOMAIN §2, post-operative definitions)."""
    return hva_deg < 0
