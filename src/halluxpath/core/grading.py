"""Severity grading of hallux valgus from HVA and IMA (spec/measurements.md, DOMAIN §2).

The contract's bands (v1) grade each angle on its own, and the foot takes the
worse of the two grades:

    grade      HVA          IMA
    normal     < 15         < 9
    mild       15 to 20     9 to 11
    moderate   > 20 to 40   > 11 to 16
    severe     > 40         > 16

Every band includes its upper bound (HVA 20.0 is mild, 20.01 moderate), and
grading uses the unrounded angles, so a displayed "20.0" may be moderate. A
negative angle grades as normal for that angle; a negative HVA is hallux
varus (DOMAIN §2, post-operative definitions).

No standard scale exists (DOMAIN §2, note "literature vs contract": the bands
attributed to Coughlin & Mann differ from, e.g., Piqué-Vidal & Vila 2009 at
HVA 40° and IMA 16–20°), so every surface prints ``SEVERITY_SCALE_NAME``
beside a grade.
"""

from __future__ import annotations

SEVERITY_SCALE_NAME = "HalluxPath contract v1 (after Coughlin & Mann)"
GRADES: tuple[str, ...] = ("normal", "mild", "moderate", "severe")

# Lower bound of mild (inclusive), then inclusive upper bounds of mild and moderate.
HVA_BOUNDS_DEG: tuple[float, float, float] = (15.0, 20.0, 40.0)
IMA_BOUNDS_DEG: tuple[float, float, float] = (9.0, 11.0, 16.0)


def _rank(angle_deg: float, bounds: tuple[float, float, float]) -> int:
    """0 normal, 1 mild, 2 moderate, 3 severe."""
    mild_from, mild_to, moderate_to = bounds
    if angle_deg < mild_from:
        return 0
    if angle_deg <= mild_to:
        return 1
    if angle_deg <= moderate_to:
        return 2
    return 3


def hva_grade(hva_deg: float) -> str:
    """HVA < 15 normal; 15 to 20 mild; > 20 to 40 moderate; > 40 severe."""
    return GRADES[_rank(hva_deg, HVA_BOUNDS_DEG)]


def ima_grade(ima_deg: float) -> str:
    """IMA < 9 normal; 9 to 11 mild; > 11 to 16 moderate; > 16 severe."""
    return GRADES[_rank(ima_deg, IMA_BOUNDS_DEG)]


def severity(hva_deg: float, ima_deg: float) -> str:
    """The worse of the HVA grade and the IMA grade (contract v1)."""
    return GRADES[max(_rank(hva_deg, HVA_BOUNDS_DEG), _rank(ima_deg, IMA_BOUNDS_DEG))]


def is_hallux_varus(hva_deg: float) -> bool:
    """HVA below 0°: the big toe points medially (DOMAIN §2, post-operative definitions)."""
    return hva_deg < 0
