"""Who may see and change the surgical record: whoever may see its episode.

One helper per record type on the generic base (halluxpath.access), each
visible exactly when its episode is (patients.access.visible_episodes), so
the rules stay in one place (docs/access.md). Views and actions read these
records only through them: after ``episode_for``, ``PLANS.find(actor,
episode=episode)`` for the one plan of an episode, and ``get`` for a record
named by its key (``CONSENT_SHEETS.get(actor, episode=episode, number=2)``).
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, QuerySet

from halluxpath.access import RecordAccess, attach_given, register
from halluxpath.accounts.models import User
from halluxpath.audit.context import Actor
from halluxpath.patients.access import require_editor, visible_episodes
from halluxpath.patients.models import Episode
from halluxpath.surgery.models import (
    Amendment,
    ConsentSheet,
    OperativeRecord,
    PreoperativeAssessment,
    SafetyChecklist,
    SurgicalPlan,
)

M = TypeVar("M", bound=Model)


def visible_assessments(user: User) -> QuerySet[PreoperativeAssessment]:
    return PreoperativeAssessment.objects.filter(episode__in=visible_episodes(user))


def visible_plans(user: User) -> QuerySet[SurgicalPlan]:
    return SurgicalPlan.objects.filter(episode__in=visible_episodes(user))


def visible_consent_sheets(user: User) -> QuerySet[ConsentSheet]:
    return ConsentSheet.objects.filter(episode__in=visible_episodes(user))


def visible_checklists(user: User) -> QuerySet[SafetyChecklist]:
    return SafetyChecklist.objects.filter(episode__in=visible_episodes(user))


def visible_operative_records(user: User) -> QuerySet[OperativeRecord]:
    return OperativeRecord.objects.filter(episode__in=visible_episodes(user))


def visible_amendments(user: User) -> QuerySet[Amendment]:
    return Amendment.objects.filter(record__episode__in=visible_episodes(user))


def _episode_patient_id(
    row: PreoperativeAssessment | SurgicalPlan | ConsentSheet | SafetyChecklist | OperativeRecord,
) -> int:
    return row.episode.patient_id


def _amendment_patient_id(amendment: Amendment) -> int:
    return amendment.record.episode.patient_id


ASSESSMENTS = register(
    RecordAccess(
        "assessment",
        visible_assessments,
        _episode_patient_id,
        refusal="Your role cannot change the surgical record.",
    )
)
PLANS = register(
    RecordAccess(
        "plan",
        visible_plans,
        _episode_patient_id,
        refusal="Your role cannot change the surgical record.",
    )
)
CONSENT_SHEETS = register(
    RecordAccess(
        "consent_sheet",
        visible_consent_sheets,
        _episode_patient_id,
        refusal="Your role cannot change the surgical record.",
    )
)
CHECKLISTS = register(
    RecordAccess(
        "checklist",
        visible_checklists,
        _episode_patient_id,
        refusal="Your role cannot change the surgical record.",
    )
)
OPERATIVE_RECORDS = register(
    RecordAccess(
        "operative_record",
        visible_operative_records,
        _episode_patient_id,
        refusal="Your role cannot change the surgical record.",
    )
)
AMENDMENTS = register(
    RecordAccess(
        "amendment",
        visible_amendments,
        _amendment_patient_id,
        refusal="Your role cannot change the surgical record.",
    )
)


def locked(access: RecordAccess[M], actor: Actor, episode: Episode) -> M | None:
    """The episode's one row of this type, locked for the caller's transaction (no audit:
    the action records its own event)."""
    row = access.queryset(actor).select_for_update(of=("self",)).filter(episode=episode).first()
    if row is not None:
        attach_given(row, {"episode": episode})
    return row


def surgical_editor(actor: Actor) -> User:
    """The acting user if their role may change the surgical record; else 403."""
    return require_editor(actor, "Your role cannot change the surgical record.")
