"""One record of each surgical type on a given episode, for the access-matrix test.

Rows are written as older releases stored them where that is simplest (bare
JSON without a schema tag): the helpers must serve them all the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db.models import Model

from halluxpath.patients.models import Episode
from halluxpath.surgery.models import (
    Amendment,
    ConsentSheet,
    OperativeRecord,
    PreoperativeAssessment,
    SafetyChecklist,
    SurgicalPlan,
)


def assessment(episode: Episode) -> PreoperativeAssessment:
    return PreoperativeAssessment.objects.filter(
        episode=episode
    ).first() or PreoperativeAssessment.objects.create(
        episode=episode, flags=[], recorded_by=episode.responsible_surgeon
    )


def plan(episode: Episode) -> SurgicalPlan:
    return SurgicalPlan.objects.filter(episode=episode).first() or SurgicalPlan.objects.create(
        episode=episode,
        inputs={},
        suggested={},
        technique="mis_distal_metatarsal_osteotomy",
        target_ima_deg=7.0,
        decided_by=episode.responsible_surgeon,
    )


def consent_sheet(episode: Episode) -> ConsentSheet:
    number = ConsentSheet.objects.filter(episode=episode).count() + 1
    return ConsentSheet.objects.create(
        episode=episode,
        number=number,
        content={"side": episode.side, "personal_risks": []},
        pdf_file=f"consent/sample-{episode.pk}-{number}.pdf",
        sha256="0" * 64,
        prepared_by=episode.responsible_surgeon,
    )


def checklist(episode: Episode) -> SafetyChecklist:
    return SafetyChecklist.objects.filter(
        episode=episode
    ).first() or SafetyChecklist.objects.create(episode=episode)


def operative_record(episode: Episode) -> OperativeRecord:
    existing = OperativeRecord.objects.filter(episode=episode).first()
    if existing is not None:
        return existing
    return OperativeRecord.objects.create(
        episode=episode,
        operated_on=dt.date(2026, 11, 2),
        content={"incisions": [{"site": "medial_m1_neck", "length_mm": 3.0}]},
        recorded_by=episode.responsible_surgeon,
    )


def amendment(episode: Episode) -> Amendment:
    record = operative_record(episode)
    return Amendment.objects.create(
        record=record,
        changes={"operative_time_min": {"before": 45, "after": 50}},
        reason="Time misread from the theatre clock",
        author=episode.responsible_surgeon,
    )


SAMPLES: dict[str, Callable[[Episode], Model]] = {
    "assessment": assessment,
    "plan": plan,
    "consent_sheet": consent_sheet,
    "checklist": checklist,
    "operative_record": operative_record,
    "amendment": amendment,
}
