"""The tables of a research export, one function each (DOMAIN §14 minimum dataset, §18 rules).

Every table is built from one site's operated episodes (those with an
operative record: the operation date is day 0 of every offset), through
read-only queries that fetch only the columns exported, never a name, a
hospital number, a date of birth, a contact detail or a typed note:

- ``episodes``: one row per operated foot: who (pseudonyms, age band, sex,
  side), selection (pre-operative angles and risk factors), technique,
  operation, as far as the record holds them;
- ``implants``: one row per implant used (kind, size, manufacturer; no lot);
- ``measurements``: one row per observer's current reading of each film;
- ``questionnaire_scores`` and ``complications``: in ``outcome_tables``;
- ``summary``: counts per table, technique and complication kind, the one count table in the
  export, with DOMAIN §17's small-cell rule at the site's threshold.

Free text is never copied: where a typed field matters (an anticoagulant, an
immunosuppressant) only whether it was filled in is exported.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from halluxpath.core import operative
from halluxpath.core.complications import Kind
from halluxpath.core.disclosure import SUPPRESSED, suppress_count
from halluxpath.core.episode import Sex, Side
from halluxpath.core.grading import GRADES
from halluxpath.core.landmarks import FilmView
from halluxpath.core.operative import (
    Closure,
    Dressing,
    Instrument,
    IntraopEvent,
    LateralRelease,
    OsteotomyLevel,
    OsteotomyType,
    Sedation,
    SoftTissueRepair,
)
from halluxpath.core.planning import Bone, ImplantKind, Technique
from halluxpath.core.radiograph import TimePoint
from halluxpath.core.research import (
    AGE_BANDS,
    BMI_BAND_NAMES,
    Column,
    age_band,
    age_in_years,
    bmi_band,
    day_offset,
    pseudonym,
)
from halluxpath.core.risk import (
    Anaesthesia,
    AsaGrade,
    Diabetes,
    InflammatoryArthritis,
    Neuropathy,
    Smoking,
)
from halluxpath.imaging.models import Measurement
from halluxpath.patients.models import Episode, Status
from halluxpath.records import SchemaError
from halluxpath.surgery import stored

Row = tuple[object, ...]
BOOLEAN = ("true", "false")


def _values(enumeration: Iterable[Any]) -> tuple[str, ...]:
    return tuple(
        str(member.value if hasattr(member, "value") else member) for member in enumeration
    )


@dataclass(frozen=True)
class Table:
    """One exported table: its name (the file name), what a row is, its columns and rows."""

    name: str
    row_is: str
    columns: tuple[Column, ...]
    rows: list[Row]

    def __post_init__(self) -> None:
        width = len(self.columns)
        if any(len(row) != width for row in self.rows):
            raise ValueError(f"a row of {self.name} does not match its {width} columns")


class Scope:
    """One export of one site: its pseudonym key, day 0 of each episode, and shared reads."""

    def __init__(self, site_id: int, key: bytes, smallest_count_shown: int) -> None:
        self.site_id = site_id
        self.key = key
        self.smallest_count_shown = smallest_count_shown

    def pseudonym(self, kind: str, identifier: object) -> str:
        return pseudonym(self.key, kind, identifier, PREFIXES[kind])

    def episode(self, episode_id: int) -> str:
        return self.pseudonym("episode", episode_id)

    @cached_property
    def day_zero(self) -> dict[int, dt.date]:
        """Operation date of every operated episode of the site, by episode id."""
        return dict(
            Episode.objects.filter(
                patient__site_id=self.site_id, operative_record__isnull=False
            ).values_list("pk", "operative_record__operated_on")
        )

    @cached_property
    def readings(self) -> list[dict[str, Any]]:
        """Every current measurement of a film of an operated episode, oldest film first."""
        return [
            dict(reading)
            for reading in Measurement.objects.filter(
                radiograph__episode__patient__site_id=self.site_id,
                radiograph__episode__operative_record__isnull=False,
                superseded_at__isnull=True,
            )
            .order_by("radiograph__acquired_on", "radiograph_id", "pk")
            .values(
                "pk",
                "observer_id",
                "results",
                "radiograph_id",
                "radiograph__episode_id",
                "radiograph__time_point",
                "radiograph__acquired_on",
                "radiograph__view",
                "radiograph__weight_bearing",
            )
        ]

    def count_shown(self, count: int) -> str:
        """A count as it may leave the site: DOMAIN §17's rule at the site's own threshold."""
        if 0 < count < self.smallest_count_shown:
            return SUPPRESSED
        return suppress_count(count)


PREFIXES = {
    "patient": "P",
    "episode": "E",
    "site": "H",
    "surgeon": "S",
    "observer": "O",
    "film": "F",
    "implant": "I",
    "response": "Q",
    "complication": "C",
}


# --- episodes ---------------------------------------------------------------------------------

MEASURED = ("hva_deg", "ima_deg", "hvia_deg", "dmaa_deg", "sesamoid_position", "translation_pct")
MEASURE_COLUMNS = (
    Column("hva_deg", "Hallux valgus angle", "number", "degree"),
    Column("ima_deg", "First-second intermetatarsal angle", "number", "degree"),
    Column("hvia_deg", "Hallux valgus interphalangeal angle", "number", "degree"),
    Column("dmaa_deg", "Distal metatarsal articular angle", "number", "degree"),
    Column("sesamoid_position", "Sesamoid position (Hardy-Clapham)", "integer", "", ("1-7",)),
    Column("translation_pct", "Lateral translation of the head", "number", "% of shaft width"),
)

EPISODE_COLUMNS: tuple[Column, ...] = (
    Column("episode_id", "Pseudonym of the operated foot (this export only)", "text"),
    Column("patient_id", "Pseudonym of the patient (this export only)", "text"),
    Column("site_id", "Pseudonym of the site (this export only)", "text"),
    Column("surgeon_id", "Pseudonym of the responsible surgeon (this export only)", "text"),
    Column(
        "age_band", "Age at the operation, five-year band, 90+ grouped", "text", "years", AGE_BANDS
    ),
    Column("sex", "Administrative sex", "text", "", Sex.values()),
    Column("side", "Foot operated", "text", "", Side.values()),
    Column("bilateral_same_sitting", "Both feet operated on the same day", "boolean", "", BOOLEAN),
    Column("operation_year", "Calendar year of the operation", "integer", "year"),
    Column("referral_day", "Day of referral", "integer", "days from the operation (day 0)"),
    Column("episode_status", "Stage of the episode at export", "text", "", Status.values),
    Column("operative_record_signed", "The operative record is signed", "boolean", "", BOOLEAN),
    Column("previous_surgery_same_foot", "Earlier surgery on this foot", "boolean", "", BOOLEAN),
    Column("smoking", "Smoking status", "text", "", Smoking.values()),
    Column("diabetes", "Diabetes", "text", "", Diabetes.values()),
    Column("neuropathy", "Peripheral neuropathy", "text", "", Neuropathy.values()),
    Column(
        "inflammatory_arthritis",
        "Inflammatory arthritis",
        "text",
        "",
        InflammatoryArthritis.values(),
    ),
    Column("steroid", "Takes steroids", "boolean", "", BOOLEAN),
    Column(
        "immunosuppressant", "An immunosuppressant or biologic is recorded", "boolean", "", BOOLEAN
    ),
    Column("anticoagulant", "An anticoagulant or antiplatelet is recorded", "boolean", "", BOOLEAN),
    Column("vte_history", "Previous venous thromboembolism", "boolean", "", BOOLEAN),
    Column("bmi_band", "Body mass index, WHO band", "text", "kg/m2", BMI_BAND_NAMES),
    Column("asa_grade", "ASA physical status", "text", "", AsaGrade.values()),
    *(
        Column(
            f"preop_{c.name}",
            f"Pre-operative {c.meaning[0].lower()}{c.meaning[1:]}",
            c.type,
            c.unit,
            c.allowed,
        )
        for c in MEASURE_COLUMNS[:5]
    ),
    Column("preop_severity", "Pre-operative severity grade (HVA and IMA)", "text", "", GRADES),
    Column("technique", "Operation planned", "text", "", Technique.values()),
    Column("akin_planned", "Akin osteotomy planned", "boolean", "", BOOLEAN),
    Column("target_ima_deg", "Target IMA of the plan", "number", "degree"),
    Column("anaesthesia", "Primary anaesthesia", "text", "", Anaesthesia.values()),
    Column("sedation", "Sedation", "text", "", Sedation.values()),
    Column("tourniquet", "Tourniquet used", "boolean", "", BOOLEAN),
    Column("tourniquet_minutes", "Tourniquet time", "number", "min"),
    Column("lateral_release", "Lateral release", "text", "", LateralRelease.values()),
    Column(
        "osteotomy_level", "First metatarsal osteotomy level", "text", "", OsteotomyLevel.values()
    ),
    Column("osteotomy_type", "First metatarsal osteotomy type", "text", "", OsteotomyType.values()),
    Column("osteotomy_instrument", "Instrument of the osteotomy", "text", "", Instrument.values()),
    Column("akin_done", "Akin osteotomy done", "boolean", "", BOOLEAN),
    Column("translation_achieved_pct", "Translation achieved", "number", "% of shaft width"),
    Column("soft_tissue_repair", "Soft-tissue repair", "text", "", SoftTissueRepair.values()),
    Column("exostectomy", "Exostectomy done", "boolean", "", BOOLEAN),
    Column("closure", "Wound closure", "text", "", Closure.values()),
    Column("dressing", "Dressing", "text", "", Dressing.values()),
    Column("incision_count", "Number of incisions", "integer"),
    Column("mis_all_within_5mm", "Every incision 5 mm or shorter", "boolean", "", BOOLEAN),
    Column("implant_count", "Number of implants used", "integer"),
    Column("fluoro_shots", "Fluoroscopy shots", "integer"),
    Column("fluoro_time_s", "Fluoroscopy time", "number", "s"),
    Column("fluoro_dap_mgy_cm2", "Fluoroscopy dose-area product", "number", "mGy·cm2"),
    Column("operative_time_min", "Operative time", "number", "min"),
    Column("conversion_to_open", "Converted to open surgery", "boolean", "", BOOLEAN),
    Column(
        "intraop_events",
        "Intra-operative events, separated by ';' (empty: none)",
        "text",
        "",
        IntraopEvent.values(),
    ),
)


def _by_pseudonym(row: Row) -> str:
    """Rows in the order of their (random) pseudonym: the order says nothing about the site's
    records (not the order patients were registered or operated in)."""
    return str(row[0])


def _day(value: object) -> int:
    return value if isinstance(value, int) else 0


def _operative_content(stored_content: object) -> dict[str, Any]:
    try:
        content: object = stored.OPERATIVE_RECORD.read(stored_content)
    except SchemaError:
        content = None
    return operative.readable_content(content)[0]


def _enum_or_none(value: object, allowed: Sequence[str]) -> str | None:
    """A stored vocabulary value, or None for one the vocabulary does not know (legacy rows)."""
    return str(value) if value is not None and str(value) in allowed else None


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _integer(value: object) -> int | None:
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None


def _flag(value: object) -> bool | None:
    return value if isinstance(value, bool) else None


def preoperative_readings(
    scope: Scope, plan_measurements: dict[int, int]
) -> dict[int, dict[str, Any]]:
    """Each episode's pre-operative angles: the reading its plan used, else the latest
    standing pre-operative reading."""
    chosen: dict[int, dict[str, Any]] = {}
    by_pk = {reading["pk"]: reading for reading in scope.readings}
    for reading in scope.readings:  # oldest film first: a later one replaces an earlier one
        if (
            reading["radiograph__time_point"] == TimePoint.PRE_OPERATIVE
            and reading["radiograph__weight_bearing"]
        ):
            chosen[reading["radiograph__episode_id"]] = reading["results"] or {}
    for episode_id, measurement_id in plan_measurements.items():
        if measurement_id in by_pk:
            chosen[episode_id] = by_pk[measurement_id]["results"] or {}
    return chosen


def episodes_table(scope: Scope) -> Table:
    """One row per operated foot of the site (DOMAIN §14 minimum dataset, as far as recorded)."""
    rows_in = list(
        Episode.objects.filter(patient__site_id=scope.site_id, operative_record__isnull=False)
        .order_by("pk")
        .values(
            "pk",
            "patient_id",
            "patient__date_of_birth",
            "patient__sex",
            "side",
            "status",
            "referred_on",
            "responsible_surgeon_id",
            "operative_record__operated_on",
            "operative_record__signed_at",
            "operative_record__content",
            "assessment__previous_surgery_same_foot",
            "assessment__smoking",
            "assessment__diabetes",
            "assessment__neuropathy",
            "assessment__inflammatory_arthritis",
            "assessment__steroid",
            "assessment__immunosuppressants",
            "assessment__anticoagulant",
            "assessment__vte_history",
            "assessment__bmi",
            "assessment__asa_grade",
            "plan__technique",
            "plan__akin",
            "plan__target_ima_deg",
            "plan__measurement_id",
        )
    )
    same_day = Counter((r["patient_id"], r["operative_record__operated_on"]) for r in rows_in)
    preop = preoperative_readings(
        scope,
        {r["pk"]: r["plan__measurement_id"] for r in rows_in if r["plan__measurement_id"]},
    )
    site = scope.pseudonym("site", scope.site_id)
    rows: list[Row] = []
    for r in rows_in:
        day0: dt.date = r["operative_record__operated_on"]
        content = _operative_content(r["operative_record__content"])
        osteotomies = content.get("osteotomies", [])
        first: dict[str, Any] = next((o for o in osteotomies if o.get("bone") == Bone.M1), {})
        readings = preop.get(r["pk"], {})
        has_assessment = r["assessment__smoking"] is not None
        rows.append(
            (
                scope.episode(r["pk"]),
                scope.pseudonym("patient", r["patient_id"]),
                site,
                scope.pseudonym("surgeon", r["responsible_surgeon_id"]),
                age_band(max(0, age_in_years(r["patient__date_of_birth"], day0))),
                r["patient__sex"],
                r["side"],
                same_day[(r["patient_id"], day0)] > 1,
                day0.year,
                day_offset(r["referred_on"], day0),
                r["status"],
                r["operative_record__signed_at"] is not None,
                r["assessment__previous_surgery_same_foot"],
                r["assessment__smoking"],
                r["assessment__diabetes"],
                r["assessment__neuropathy"],
                r["assessment__inflammatory_arthritis"],
                r["assessment__steroid"],
                bool((r["assessment__immunosuppressants"] or "").strip())
                if has_assessment
                else None,
                bool((r["assessment__anticoagulant"] or "").strip()) if has_assessment else None,
                r["assessment__vte_history"],
                bmi_band(r["assessment__bmi"]),
                r["assessment__asa_grade"],
                *(_number(readings.get(k)) for k in MEASURED[:4]),
                _integer(readings.get("sesamoid_position")),
                _enum_or_none(readings.get("severity"), GRADES),
                r["plan__technique"],
                r["plan__akin"],
                r["plan__target_ima_deg"],
                _enum_or_none(content.get("anaesthesia_primary"), Anaesthesia.values()),
                _enum_or_none(content.get("sedation"), Sedation.values()),
                _flag(content.get("tourniquet")),
                _number(content.get("tourniquet_minutes")),
                _enum_or_none(content.get("lateral_release"), LateralRelease.values()),
                _enum_or_none(first.get("level"), OsteotomyLevel.values()),
                _enum_or_none(first.get("type"), OsteotomyType.values()),
                _enum_or_none(first.get("instrument"), Instrument.values()),
                any(o.get("bone") == Bone.P1 for o in osteotomies),
                _number(content.get("translation_achieved_pct")),
                _enum_or_none(content.get("soft_tissue_repair"), SoftTissueRepair.values()),
                _flag(content.get("exostectomy")),
                _enum_or_none(content.get("closure"), Closure.values()),
                _enum_or_none(content.get("dressing"), Dressing.values()),
                len(content.get("incisions", [])),
                _flag(content.get("mis_all_within_5mm")),
                len(content.get("implants", [])),
                _integer(content.get("fluoro_shots")),
                _number(content.get("fluoro_time_s")),
                _number(content.get("fluoro_dap_mgy_cm2")),
                _number(content.get("operative_time_min")),
                _flag(content.get("conversion_to_open")),
                ";".join(
                    sorted(
                        str(e)
                        for e in content.get("intraop_events", [])
                        if str(e) in IntraopEvent.values()
                    )
                ),
            )
        )
    return Table("episodes", "one operated foot", EPISODE_COLUMNS, sorted(rows, key=_by_pseudonym))


# --- implants ---------------------------------------------------------------------------------

IMPLANT_COLUMNS: tuple[Column, ...] = (
    Column("implant_id", "Pseudonym of the implant row (this export only)", "text"),
    Column("episode_id", "Pseudonym of the operated foot (as in episodes)", "text"),
    Column("bone", "Bone fixed", "text", "", Bone.values()),
    Column("kind", "Kind of implant", "text", "", ImplantKind.values()),
    Column("diameter_mm", "Diameter", "number", "mm"),
    Column("length_mm", "Length", "number", "mm"),
    Column("manufacturer", "Manufacturer, as recorded (no lot or UDI)", "text"),
)


def implants_table(scope: Scope) -> Table:
    """One row per implant of an operative record; the lot number never leaves the site."""
    records = (
        Episode.objects.filter(patient__site_id=scope.site_id, operative_record__isnull=False)
        .order_by("pk")
        .values_list("pk", "operative_record__content")
    )
    rows: list[Row] = []
    for episode_id, stored_content in records:
        for number, implant in enumerate(_operative_content(stored_content).get("implants", [])):
            rows.append(
                (
                    scope.pseudonym("implant", f"{episode_id}.{number}"),
                    scope.episode(episode_id),
                    _enum_or_none(implant.get("bone"), Bone.values()),
                    _enum_or_none(implant.get("kind"), ImplantKind.values()),
                    _number(implant.get("diameter_mm")),
                    _number(implant.get("length_mm")),
                    str(implant.get("manufacturer") or "").strip() or None,
                )
            )
    rows.sort(key=_by_pseudonym)
    return Table("implants", "one implant used in an operation", IMPLANT_COLUMNS, rows)


# --- measurements -----------------------------------------------------------------------------

MEASUREMENT_COLUMNS: tuple[Column, ...] = (
    Column("episode_id", "Pseudonym of the operated foot (as in episodes)", "text"),
    Column("film_id", "Pseudonym of the radiograph (two observers of one film share it)", "text"),
    Column("observer_id", "Pseudonym of the person who placed the landmarks", "text"),
    Column("time_point", "When in the episode the film was taken", "text", "", _values(TimePoint)),
    Column("film_day", "Day the film was taken", "integer", "days from the operation (day 0)"),
    Column("view", "Projection", "text", "", _values(FilmView)),
    Column("weight_bearing", "Standing (weight-bearing) film", "boolean", "", BOOLEAN),
    *MEASURE_COLUMNS,
    Column("severity", "Severity grade (HVA and IMA; standing films only)", "text", "", GRADES),
)


def measurements_table(scope: Scope) -> Table:
    """One row per observer's current landmark reading of a film of an operated episode."""
    rows: list[Row] = []
    for reading in scope.readings:
        episode_id = reading["radiograph__episode_id"]
        if episode_id not in scope.day_zero:  # operated after the export began
            continue
        results = reading["results"] or {}
        rows.append(
            (
                scope.episode(episode_id),
                scope.pseudonym("film", reading["radiograph_id"]),
                scope.pseudonym("observer", reading["observer_id"]),
                reading["radiograph__time_point"],
                day_offset(reading["radiograph__acquired_on"], scope.day_zero[episode_id]),
                reading["radiograph__view"],
                reading["radiograph__weight_bearing"],
                *(_number(results.get(k)) for k in MEASURED[:4]),
                _integer(results.get("sesamoid_position")),
                _number(results.get("translation_pct")),
                _enum_or_none(results.get("severity"), GRADES)
                if reading["radiograph__weight_bearing"]
                else None,
            )
        )
    rows.sort(key=lambda row: (str(row[0]), _day(row[4]), str(row[1]), str(row[2])))
    return Table("measurements", "one observer's reading of one film", MEASUREMENT_COLUMNS, rows)


# --- summary (the one count table) ------------------------------------------------------------

SUMMARY_COLUMNS: tuple[Column, ...] = (
    Column("table", "The table counted", "text"),
    Column("group", "The group counted within it ('all' for every row)", "text"),
    Column(
        "count",
        "Number of rows; 1 to 7 (or below the site's threshold) shown as *, others "
        "rounded to the nearest 5 (DOMAIN §17)",
        "text",
        "rows",
        ("0", "*", "a multiple of 5"),
    ),
)


def summary_table(scope: Scope, tables: Sequence[Table]) -> Table:
    """Rows per table, and operated feet per technique, with the small-cell rule applied."""
    rows: list[Row] = [(t.name, "all", scope.count_shown(len(t.rows))) for t in tables]
    episodes = next((t for t in tables if t.name == "episodes"), None)
    if episodes is not None:
        at = [c.name for c in episodes.columns].index("technique")
        by_technique = Counter(row[at] for row in episodes.rows)
        for technique in Technique.values():
            rows.append(
                ("episodes", f"technique={technique}", scope.count_shown(by_technique[technique]))
            )
    complications = next((t for t in tables if t.name == "complications"), None)
    if complications is not None:
        by_kind = Counter(row[2] for row in complications.rows)
        for kind in Kind.values():
            rows.append(("complications", f"kind={kind}", scope.count_shown(by_kind[kind])))
    return Table("summary", "one count", SUMMARY_COLUMNS, rows)


Builder = Callable[[Scope], Table]


def builders() -> list[tuple[str, Builder]]:
    """The row-level tables of an export, in the order they are built (and shown)."""
    # Imported here: the outcome tables build on this module's Scope and Table.
    from halluxpath.research.outcome_tables import complications_table, questionnaire_scores_table

    return [
        ("operated feet", episodes_table),
        ("implants", implants_table),
        ("film measurements", measurements_table),
        ("questionnaire scores", questionnaire_scores_table),
        ("complications", complications_table),
    ]
