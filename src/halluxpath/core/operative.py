"""The structured operative record of an MIS bunion correction (DOMAIN §5).

Sanity limits and allowed values are DOMAIN §5's table. An incision longer
than 5 mm is outside the MIS definition used here (the project's seed: "incisions
typically < 5 mm") and is flagged, not refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from halluxpath.core.planning import Bone, ImplantKind
from halluxpath.core.risk import Anaesthesia
from halluxpath.core.vocabulary import Labelled

MIS_INCISION_LIMIT_MM = 5.0


class IncisionSite(Labelled):
    MEDIAL_M1_NECK = "medial_m1_neck", "Medial, first metatarsal neck"
    MEDIAL_M1_HEAD = "medial_m1_head", "Medial, first metatarsal head"
    DORSOMEDIAL = "dorsomedial", "Dorsomedial"
    MEDIAL_P1_BASE = "medial_p1_base", "Medial, base of the proximal phalanx"
    FIRST_WEB = "first_web", "First web space"
    OTHER = "other", "Other"


class IntraopEvent(Labelled):
    BURN = "burn", "Burn"
    NERVE_INJURY = "nerve_injury", "Nerve injury"
    FRACTURE = "fracture", "Fracture"
    HARDWARE_MALPOSITION = "hardware_malposition", "Hardware malposition"
    OTHER = "other", "Other"


class Sedation(Labelled):
    NONE = "none", "None"
    MINIMAL = "minimal", "Minimal"
    MODERATE = "moderate", "Moderate"
    DEEP = "deep", "Deep"


class TourniquetSite(Labelled):
    ANKLE = "ankle", "Ankle"
    CALF = "calf", "Calf"
    THIGH = "thigh", "Thigh"


class LateralRelease(Labelled):
    NONE = "none", "None"
    PERCUTANEOUS_ADDUCTOR = "percutaneous_adductor", "Percutaneous adductor"
    PERCUTANEOUS_CAPSULE = "percutaneous_capsule", "Percutaneous capsule"
    OPEN = "open", "Open"


class OsteotomyLevel(Labelled):
    DISTAL_METAPHYSEAL = "distal_metaphyseal", "Distal metaphyseal"
    SUBCAPITAL = "subcapital", "Subcapital"
    SHAFT = "shaft", "Shaft"
    PROXIMAL = "proximal", "Proximal"


class OsteotomyType(Labelled):
    CHEVRON = "chevron", "Chevron"
    TRANSVERSE = "transverse", "Transverse"
    OBLIQUE = "oblique", "Oblique"
    SCARF = "scarf", "Scarf"
    OTHER = "other", "Other"


class Instrument(Labelled):
    BURR = "burr", "Burr"
    SAW = "saw", "Saw"


class SoftTissueRepair(Labelled):
    NONE = "none", "None"
    CAPSULORRHAPHY = "capsulorrhaphy", "Capsulorrhaphy"
    OTHER = "other", "Other"


class Closure(Labelled):
    SUTURE = "suture", "Sutures"
    ADHESIVE_STRIP = "adhesive_strip", "Adhesive strips"
    TISSUE_ADHESIVE = "tissue_adhesive", "Tissue adhesive"
    NONE = "none", "None"


class Dressing(Labelled):
    CORRECTIVE_BANDAGE = "corrective_bandage", "Corrective bandage"
    COMPRESSIVE = "compressive", "Compressive"
    SIMPLE = "simple", "Simple"


INCISION_SITES = IncisionSite.values()
IMPLANT_KINDS = ImplantKind.values()
EVENTS = IntraopEvent.values()
AKIN_OSTEOTOMY = {
    "bone": "p1",
    "level": "proximal",
    "type": "closing_wedge_akin",
    "instrument": "burr",
}

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


def stored_content(
    fields: Mapping[str, Any],
    *,
    osteotomy: Mapping[str, Any] | None,
    akin_done: bool,
    incisions: Sequence[Mapping[str, Any]],
    implants: Sequence[Mapping[str, Any]],
) -> dict[str, Any]:
    """The operative record as stored (DOMAIN §5): validated, osteotomies as a list, MIS derived.

    ``fields`` are the flat record fields (anaesthesia, tourniquet, closure...);
    ``osteotomy`` the first metatarsal's (level, type, instrument) or None when
    not recorded; an Akin adds the proximal phalanx osteotomy. Raises
    ``RecordError`` for an impossible or inconsistent value.
    """
    cuts = [Incision(str(i["site"]), float(i["length_mm"])) for i in incisions]
    validate(fields, cuts, implants)
    osteotomies = [] if osteotomy is None else [{"bone": Bone.M1.value, **osteotomy}]
    if akin_done:
        osteotomies.append(dict(AKIN_OSTEOTOMY))
    return {
        **fields,
        "osteotomies": osteotomies,
        "incisions": [dict(i) for i in incisions],
        "implants": [dict(i) for i in implants],
        "mis_all_within_5mm": all_minimally_invasive(cuts),
        "incisions_over_5mm": [vars(i) for i in long_incisions(cuts)],
    }


DERIVED_KEYS = ("osteotomies", "incisions", "implants", "mis_all_within_5mm", "incisions_over_5mm")


def entered_fields(content: Mapping[str, Any]) -> dict[str, Any]:
    """The flat fields a stored record was entered with (the inverse of ``stored_content``)."""
    osteotomies = list(content.get("osteotomies", []))
    first = next((o for o in osteotomies if o.get("bone") == Bone.M1), None)
    return {
        **{k: v for k, v in content.items() if k not in DERIVED_KEYS},
        "osteotomy_level": first.get("level") if first else None,
        "osteotomy_type": first.get("type") if first else None,
        "osteotomy_instrument": first.get("instrument") if first else None,
        "akin_done": any(o.get("bone") == Bone.P1 for o in osteotomies),
    }


LIST_PARTS: dict[str, tuple[str, ...]] = {
    "osteotomies": ("bone", "level", "type", "instrument"),
    "incisions": ("site", "length_mm"),
    "implants": ("bone", "kind", "diameter_mm", "length_mm", "manufacturer", "lot"),
    "incisions_over_5mm": ("site", "length_mm"),
}
SCALAR = (str, int, float, bool, type(None))


def readable_content(content: object) -> tuple[dict[str, Any], tuple[str, ...]]:
    """A stored record as far as it can be read, and the parts that cannot.

    Rows written before the record had one checked schema may hold anything
    (an ``osteotomies`` of ``"abc"``, an implant that is a bare string): such a
    part is left out and named, so a page or a PDF shows it as unreadable
    instead of failing. A list part keeps its readable rows; a row is readable
    when it is an object whose values are plain numbers or text.
    """
    if not isinstance(content, Mapping):
        return {}, ("the whole record",)
    readable: dict[str, Any] = {}
    unreadable: list[str] = []
    for key, value in content.items():
        key = str(key)
        if key in LIST_PARTS:
            if not isinstance(value, list):
                unreadable.append(key)
                continue
            rows = [
                {k: row[k] for k in LIST_PARTS[key] if k in row and isinstance(row[k], SCALAR)}
                for row in value
                if isinstance(row, Mapping)
            ]
            whole = len(rows) == len(value) and all(
                len(r) == sum(1 for k in LIST_PARTS[key] if k in row)
                for r, row in zip(rows, value, strict=True)
            )
            if not whole:
                unreadable.append(key)
            readable[key] = rows
        elif key == "intraop_events":
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                readable[key] = value
            else:
                unreadable.append(key)
        elif isinstance(value, SCALAR):
            readable[key] = value
        else:
            unreadable.append(key)
    return readable, tuple(unreadable)


# Which vocabulary each stored field's values come from, for showing labels, not codes.
VALUE_VOCABULARY: dict[str, type[Labelled]] = {
    "anaesthesia_primary": Anaesthesia,
    "sedation": Sedation,
    "tourniquet_site": TourniquetSite,
    "lateral_release": LateralRelease,
    "soft_tissue_repair": SoftTissueRepair,
    "closure": Closure,
    "dressing": Dressing,
    "intraop_events": IntraopEvent,
    "site": IncisionSite,
    "level": OsteotomyLevel,
    "type": OsteotomyType,
    "instrument": Instrument,
    "bone": Bone,
    "kind": ImplantKind,
}
EXTRA_LABELS = {"closing_wedge_akin": "Closing wedge (Akin)"}


def shown(field: str, value: Any) -> str:
    """A stored value as a clinician reads it: a vocabulary's label, yes/no, or the text."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(shown(field, v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    vocabulary = VALUE_VOCABULARY.get(field)
    if vocabulary is not None and isinstance(value, str):
        labels = dict(vocabulary.choices())
        return labels.get(value) or EXTRA_LABELS.get(value, value)
    return str(value)
