"""The outcome tables of a research export: questionnaire scores and complications.

Kept apart from ``dataset`` (the surgical tables) because they read the
outcomes and complications apps. Same rules (DOMAIN §18): pseudonyms of this
export, days from the operation, no free text (a complication's description,
treatment and reoperation reason, a score's "why not scored" stay at the
site), only the rows of operated episodes. Complications entered in error are
left out: they never happened.
"""

from __future__ import annotations

from typing import Any

from halluxpath.complications.models import Complication
from halluxpath.core.complications import ALL_GRADE_CODES, GradeSystem, Kind
from halluxpath.core.instruments import SHIPPED, SITE_LOADED
from halluxpath.core.research import Column, day_offset
from halluxpath.core.schedule import TimePointKey
from halluxpath.outcomes.models import ResponseStatus, Score
from halluxpath.research.dataset import BOOLEAN, Row, Scope, Table

INSTRUMENT_KEYS = tuple(sorted({*SHIPPED, *SITE_LOADED}))
DAYS = "days from the operation (day 0)"

SCORE_COLUMNS: tuple[Column, ...] = (
    Column("response_id", "Pseudonym of the completed questionnaire (this export only)", "text"),
    Column("episode_id", "Pseudonym of the operated foot (as in episodes)", "text"),
    Column("instrument", "Questionnaire", "text", "", INSTRUMENT_KEYS),
    Column("instrument_version", "Version of its definition", "text"),
    Column("time_point", "Scheduled time point", "text", "", TimePointKey.values()),
    Column("completed_day", "Day it was completed", "integer", DAYS),
    Column("on_paper", "Entered by staff from a paper form", "boolean", "", BOOLEAN),
    Column("domain", "Scored domain ('index' overall, 'score' for a single score)", "text"),
    Column("value", "Score (empty: not scorable, e.g. too many items missing)", "number", "points"),
    Column("eq5d_profile", "EQ-5D-5L profile (five levels 1-5)", "text", "", ("five digits 1-5",)),
)


def questionnaire_scores_table(scope: Scope) -> Table:
    """One row per scored domain of a completed questionnaire of an operated foot."""
    scores = (
        Score.objects.filter(
            episode__patient__site_id=scope.site_id,
            episode__operative_record__isnull=False,
            response__status=ResponseStatus.COMPLETED,
        )
        .order_by("pk")
        .values_list(
            "response_id",
            "episode_id",
            "instrument",
            "response__instrument_version",
            "time_point",
            "response__completed_on",
            "response__on_paper",
            "domain",
            "value",
            "profile",
            "episode__operative_record__operated_on",
        )
    )
    rows: list[Row] = []
    for (
        response_id,
        episode_id,
        instrument,
        version,
        time_point,
        completed_on,
        on_paper,
        domain,
        value,
        profile,
        operated_on,
    ) in scores:
        rows.append(
            (
                scope.pseudonym("response", response_id),
                scope.episode(episode_id),
                instrument,
                version,
                time_point,
                day_offset(completed_on, operated_on),
                on_paper,
                domain,
                value,
                profile if profile.isdigit() else None,
            )
        )
    rows.sort(key=lambda row: (str(row[1]), str(row[0]), str(row[7])))
    return Table(
        "questionnaire_scores",
        "one scored domain of a completed questionnaire",
        SCORE_COLUMNS,
        rows,
    )


COMPLICATION_COLUMNS: tuple[Column, ...] = (
    Column("complication_id", "Pseudonym of the complication (this export only)", "text"),
    Column("episode_id", "Pseudonym of the operated foot (as in episodes)", "text"),
    Column("kind", "Kind of complication (DOMAIN §7)", "text", "", Kind.values()),
    Column("onset_day", "Day it started or was first noticed", "integer", DAYS),
    Column("grade_system", "Grading system of the grade", "text", "", GradeSystem.values()),
    Column("grade", "Grade in that system (never converted)", "text", "", ALL_GRADE_CODES),
    Column("reoperation", "Led to a reoperation", "boolean", "", BOOLEAN),
    Column("reoperation_day", "Day of the reoperation", "integer", DAYS),
    Column("implant_removed", "An implant was removed", "boolean", "", BOOLEAN),
    Column("resolved_day", "Day it resolved (empty: not resolved)", "integer", DAYS),
    Column("from_triage_alert", "Recorded from a patient's check-in alert", "boolean", "", BOOLEAN),
)


def complications_table(scope: Scope) -> Table:
    """One row per complication of an operated foot (those entered in error left out)."""
    found = (
        Complication.objects.filter(
            episode__patient__site_id=scope.site_id,
            episode__operative_record__isnull=False,
            entered_in_error=False,
        )
        .order_by("pk")
        .values(
            "pk",
            "episode_id",
            "kind",
            "onset_on",
            "grade_system",
            "grade",
            "reoperation",
            "reoperated_on",
            "implant_removed",
            "resolved_on",
            "alert_id",
            "episode__operative_record__operated_on",
        )
    )
    rows: list[Row] = []
    for c in found:
        day0: Any = c["episode__operative_record__operated_on"]
        rows.append(
            (
                scope.pseudonym("complication", c["pk"]),
                scope.episode(c["episode_id"]),
                c["kind"],
                day_offset(c["onset_on"], day0),
                c["grade_system"],
                c["grade"],
                c["reoperation"],
                day_offset(c["reoperated_on"], day0),
                c["implant_removed"],
                day_offset(c["resolved_on"], day0),
                c["alert_id"] is not None,
            )
        )
    rows.sort(key=lambda row: (str(row[1]), str(row[0])))
    return Table("complications", "one complication", COMPLICATION_COLUMNS, rows)
