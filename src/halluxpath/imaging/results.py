"""Measurement results as the pages show them: values, grades, bands and flags.

DOMAIN §2 R-IMG-1: a film taken without standing is shown but not graded.
DOMAIN §2 R-IMG-2: each angle is shown with its reading band (±3.6° for IMA,
±5° for HVIA and DMAA); a grade that would change inside the band is marked
borderline.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.formats import date_format
from django.utils.timezone import localtime

from halluxpath.audit.context import Actor
from halluxpath.core.grading import SEVERITY_SCALE_NAME, ima_grade
from halluxpath.core.plausibility import implausible_values
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
class Note:
    """A sentence for staff, and the rule or section it rests on (shown small, or empty)."""

    text: str
    source: str = ""


@dataclass(frozen=True)
class ResultRow:
    measurement: Measurement
    values: list[tuple[str, str, Any, str]]  # key, label, value, unit
    severity: str | None
    severity_note: Note
    flags: list[Note]
    warnings: list[Note]


def _borderline_ima(ima: float | None) -> bool:
    if ima is None:
        return False
    band = READING_BAND_DEG["ima_deg"]
    return len({ima_grade(ima - band), ima_grade(ima), ima_grade(ima + band)}) > 1


def flags_for(radiograph: Radiograph, results: dict[str, Any]) -> list[Note]:
    flags = []
    if results.get("hallux_varus"):
        flags.append(Note("Hallux varus: the big toe points medially (HVA below 0°)."))
    if _borderline_ima(results.get("ima_deg")):
        flags.append(
            Note("IMA grade is borderline: one manual reading varies by ±3.6°.", "DOMAIN §2")
        )
    if results.get("dmaa_deg") is not None:
        flags.append(
            Note(
                "DMAA is the least reliable angle and changes with metatarsal rotation: "
                "use it with care.",
                "DOMAIN §2",
            )
        )
    if radiograph.spacing_source == SpacingSource.IMAGER_PIXEL_SPACING:
        flags.append(Note("Millimetres are at the detector, not corrected for magnification."))
    return flags


POST_OPERATIVE_MEASURES = frozenset({"translation_pct", "osteotomy_width_mm"})


def result_rows(
    radiograph: Radiograph, measurements: list[Measurement], *, post_operative: bool = True
) -> list[ResultRow]:
    """Each reading's values; a film before the operation lists no osteotomy measures
    (unless a reading holds them)."""
    rows = []
    for measurement in measurements:
        results = measurement.results
        graded = radiograph.weight_bearing
        rows.append(
            ResultRow(
                measurement=measurement,
                values=[
                    (key, label, results.get(key), unit)
                    for key, label, unit in MEASURES
                    if post_operative
                    or key not in POST_OPERATIVE_MEASURES
                    or results.get(key) is not None
                ],
                severity=results.get("severity") if graded else None,
                severity_note=(
                    Note(SEVERITY_SCALE_NAME)
                    if graded
                    else Note("Not graded: not a standing film.", "DOMAIN §2 R-IMG-1")
                ),
                flags=flags_for(radiograph, results),
                warnings=[Note(w.summary, w.source) for w in implausible_values(results)],
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


def _by(user: Any, at: Any) -> str:
    name = user.get_full_name() or user.username
    return f"by {name}, {date_format(localtime(at), 'DATETIME_FORMAT')}"


@dataclass(frozen=True)
class FilmFact:
    label: str
    value: str
    note: str  # where the value comes from: the file, or who recorded it and when


def film_facts(radiograph: Radiograph) -> list[FilmFact]:
    """The film's side, view and date, each with where it came from (issue: who and when)."""
    side = radiograph.get_laterality_display() if radiograph.laterality else "Not recorded"
    file_side = radiograph.get_file_laterality_display() if radiograph.file_laterality else ""
    if radiograph.laterality_recorded_by and radiograph.laterality_recorded_at:
        by = _by(radiograph.laterality_recorded_by, radiograph.laterality_recorded_at)
        if file_side and radiograph.file_laterality != radiograph.laterality:
            side_note = (
                f"Corrected to {side.lower()} {by} (the DICOM file says {file_side.lower()})"
            )
        else:
            side_note = f"Side recorded as {side.lower()} {by}"
    elif file_side:
        side_note = "From the DICOM file"
    else:
        side_note = "The Time Out cannot confirm the side until it is recorded"
    taken = date_format(radiograph.acquired_on)
    if radiograph.acquired_on_recorded_by and radiograph.acquired_on_recorded_at:
        by = _by(radiograph.acquired_on_recorded_by, radiograph.acquired_on_recorded_at)
        file_date = radiograph.file_acquired_on
        if file_date and file_date != radiograph.acquired_on:
            date_note = f"Corrected {by} (the DICOM file says {date_format(file_date)})"
        else:
            date_note = f"Entered {by}"
    else:
        date_note = "From the DICOM file" if radiograph.file_acquired_on else ""
    view = radiograph.get_view_display()
    if radiograph.view_recorded_by and radiograph.view_recorded_at:
        view_note = f"Recorded {_by(radiograph.view_recorded_by, radiograph.view_recorded_at)}"
    else:
        view_note = ""
    standing = "standing" if radiograph.weight_bearing else "not standing"
    return [
        FilmFact("Side shown on the film", side, side_note),
        FilmFact("View", f"{view}, {standing}", view_note),
        FilmFact("Date taken", taken, date_note),
    ]
