"""The structured operative record of an MIS bunion correction (DOMAIN §5).

Sanity limits and allowed values are DOMAIN §5's table. An incision longer
than 5 mm is outside the MIS definition used here (the project's seed: "incisions
typically < 5 mm") and is flagged, not refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

MIS_INCISION_LIMIT_MM = 5.0
INCISION_SITES = (
    "medial_m1_neck",
    "medial_m1_head",
    "dorsomedial",
    "medial_p1_base",
    "first_web",
    "other",
)
IMPLANT_KINDS = ("cannulated_screw", "solid_screw", "bevel_tip_screw", "k_wire", "staple", "plate")
EVENTS = ("burn", "nerve_injury", "fracture", "hardware_malposition", "other")

LIMITS: dict[str, tuple[float, float, str]] = {
    "incision_length_mm": (1, 60, "mm"),
    "implant_diameter_mm": (1.0, 5.0, "mm"),
    "implant_length_mm": (8, 80, "mm"),
    "tourniquet_minutes": (0, 180, "min"),
    "tourniquet_pressure_mmhg": (100, 350, "mmHg"),
    "translation_achieved_pct": (0, 120, "%"),
    "fluoro_shots": (0, 500, ""),
    "fluoro_time_s": (0, 900, "s"),
    "operative_time_min": (5, 300, "min"),
}


class RecordError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


def _in_range(field: str, value: float | None, label: str) -> None:
    if value is None:
        return
    low, high, unit = LIMITS[field]
    if not low <= value <= high:
        raise RecordError(
            field, f"{label} must lie between {low:g} and {high:g} {unit}".strip() + "."
        )


@dataclass(frozen=True)
class Incision:
    site: str
    length_mm: float


def validate(
    record: Mapping[str, Any], incisions: Sequence[Incision], implants: Sequence[Mapping[str, Any]]
) -> None:
    """Refuse impossible or inconsistent values (raises ``RecordError``)."""
    if not incisions:
        raise RecordError("incisions", "Record at least one incision.")
    for incision in incisions:
        if incision.site not in INCISION_SITES:
            raise RecordError("incisions", f"Unknown incision site {incision.site!r}.")
        _in_range("incision_length_mm", incision.length_mm, "An incision's length")
    for implant in implants:
        if implant.get("kind") not in IMPLANT_KINDS:
            raise RecordError("implants", "Choose the kind of each implant.")
        if implant.get("diameter_mm") is None or implant.get("length_mm") is None:
            raise RecordError("implants", "Each implant needs its diameter and length.")
        _in_range("implant_diameter_mm", implant["diameter_mm"], "An implant's diameter")
        _in_range("implant_length_mm", implant["length_mm"], "An implant's length")
    if record.get("tourniquet"):
        _in_range("tourniquet_minutes", record.get("tourniquet_minutes"), "Tourniquet time")
        _in_range(
            "tourniquet_pressure_mmhg",
            record.get("tourniquet_pressure_mmhg"),
            "Tourniquet pressure",
        )
    for field, label in (
        ("translation_achieved_pct", "The translation achieved"),
        ("fluoro_shots", "The number of fluoroscopy shots"),
        ("fluoro_time_s", "Fluoroscopy time"),
        ("operative_time_min", "Operative time"),
    ):
        _in_range(field, record.get(field), label)
    if record.get("conversion_to_open") and not str(record.get("conversion_reason", "")).strip():
        raise RecordError("conversion_reason", "Give the reason for converting to open surgery.")
    for event in record.get("intraop_events", []):
        if event not in EVENTS:
            raise RecordError("intraop_events", f"Unknown intra-operative event {event!r}.")


def long_incisions(incisions: Sequence[Incision]) -> list[Incision]:
    """Incisions longer than 5 mm: outside the MIS definition."""
    return [i for i in incisions if i.length_mm > MIS_INCISION_LIMIT_MM]


def all_minimally_invasive(incisions: Sequence[Incision]) -> bool:
    """DOMAIN §5 derived ``mis_all_lt_5mm``."""
    return bool(incisions) and not long_incisions(incisions)
