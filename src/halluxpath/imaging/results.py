"""Measurement results as the pages show them: values, grades, bands and flags.

DOMAIN §2 R-IMG-1: a film taken without standing is shown but not graded.
DOMAIN §2 R-IMG-2: each angle is shown with its reading band (±3.6° for IMA,
±5° for HVIA and DMAA); a grade that would change inside the band is marked
borderline.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from halluxpath.audit.context import Actor
from halluxpath.core.grading import SEVERITY_SCALE_NAME, ima_grade
from halluxpath.imaging.access import MEASUREMENTS
from halluxpath.imaging.models import Measurement, Radiograph, SpacingSource

MEASURES: tuple[tuple[str, str, str], ...] = (
    ("hva_deg", "Hallux valgus angle (HVA)", "°"),
    ("ima_deg", "Intermetatarsal angle (IMA)", "°"),
    ("hvia_deg", "Hallux valgus interphalangeal angle (HVIA)", "°"),
    ("dmaa_deg", "Distal metatarsal articular angle (DMAA)", "°"),
    ("sesamoid_position", "Sesamoid position (Hardy–Clapham 1–7)", ""),
    ("translation_pct", "Lateral translation of the head", "% of shaft width"),
    ("osteotomy_width_mm", "Shaft width at the osteotomy", "mm"),
)
READING_BAND_DEG = {"ima_deg": 3.6, "hvia_deg": 5.0, "dmaa_deg": 5.0}


@dataclass(frozen=True)
class ResultRow:
    measurement: Measurement
    values: list[tuple[str, str, Any, str]]  # key, label, value, unit
    severity: str | None
    severity_note: str
    flags: list[str]


def _borderline_ima(ima: float | None) -> bool:
    if ima is None:
        return False
    band = READING_BAND_DEG["ima_deg"]
    return len({ima_grade(ima - band), ima_grade(ima), ima_grade(ima + band)}) > 1


def flags_for(radiograph: Radiograph, results: dict[str, Any]) -> list[str]:
    flags = []
    if results.get("hallux_varus"):
        flags.append("Hallux varus: the big toe points medially (HVA below 0°).")
    if _borderline_ima(results.get("ima_deg")):
        flags.append("IMA grade is borderline: one manual reading varies by ±3.6° (DOMAIN §2).")
    if results.get("dmaa_deg") is not None:
        flags.append(
            "DMAA is the least reliable angle and changes with metatarsal rotation: "
            "use it with care (DOMAIN §2)."
        )
    if radiograph.spacing_source == SpacingSource.IMAGER_PIXEL_SPACING:
        flags.append("Millimetres are at the detector, not corrected for magnification.")
    return flags


def result_rows(radiograph: Radiograph, measurements: list[Measurement]) -> list[ResultRow]:
    rows = []
    for measurement in measurements:
        results = measurement.results
        graded = radiograph.weight_bearing
        rows.append(
            ResultRow(
                measurement=measurement,
                values=[(key, label, results.get(key), unit) for key, label, unit in MEASURES],
                severity=results.get("severity") if graded else None,
                severity_note=(
                    SEVERITY_SCALE_NAME
                    if graded
                    else "Not graded: not a standing film (DOMAIN §2 R-IMG-1)."
                ),
                flags=flags_for(radiograph, results),
            )
        )
    return rows


@dataclass(frozen=True)
class ComparisonRow:
    key: str
    label: str
    unit: str
    before: Any
    after: Any
    change: float | None


def _latest_current(actor: Actor, radiograph: Radiograph) -> Measurement | None:
    current = MEASUREMENTS.queryset(actor).filter(radiograph=radiograph, superseded_at__isnull=True)
    return current.filter(observer=actor.user).first() or current.order_by("-created_at").first()


def comparison_rows(
    actor: Actor, before: Radiograph | None, after: Radiograph | None
) -> list[ComparisonRow]:
    """Each measure on two films and its change, from the actor's own landmarks if any."""
    if before is None or after is None:
        return []
    first, second = _latest_current(actor, before), _latest_current(actor, after)
    a = first.results if first else {}
    b = second.results if second else {}
    rows = []
    for key, label, unit in MEASURES:
        x, y = a.get(key), b.get(key)
        change = (
            round(y - x, 1) if isinstance(x, int | float) and isinstance(y, int | float) else None
        )
        rows.append(ComparisonRow(key, label, unit, x, y, change))
    rows.append(
        ComparisonRow("severity", "Severity", "", a.get("severity"), b.get("severity"), None)
    )
    return rows
