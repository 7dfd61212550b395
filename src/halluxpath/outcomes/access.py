"""Who may see questionnaire records: whoever may see their episode (docs/access.md).

Responses, scores and call notes follow their episode's rules
(patients.access.visible_episodes): the care team, the site's
administrators and the patient themself. Staff change them (a paper form
entered on the patient's behalf, a call noted) with
``permissions.may_change_clinical_records``; the patient answers their own
questionnaires through the portal actions, which ask
``permissions.may_answer_own_questionnaires`` on the response they can see.

A site's loaded definition files and schedule are the site's settings, not
a patient's record: read per site (:func:`site_instruments`), changed by
its administrators only.
"""

from __future__ import annotations

from django.db.models import QuerySet

from halluxpath.access import RecordAccess, register
from halluxpath.accounts.models import User
from halluxpath.outcomes.models import (
    LoadedInstrument,
    QuestionnaireCall,
    QuestionnaireResponse,
    QuestionnaireSchedule,
    Score,
)
from halluxpath.patients.access import visible_episodes


def visible_responses(user: User) -> QuerySet[QuestionnaireResponse]:
    return QuestionnaireResponse.objects.filter(episode__in=visible_episodes(user)).select_related(
        "episode__patient", "entered_by"
    )


def visible_scores(user: User) -> QuerySet[Score]:
    return Score.objects.filter(episode__in=visible_episodes(user)).select_related("episode")


def visible_calls(user: User) -> QuerySet[QuestionnaireCall]:
    return QuestionnaireCall.objects.filter(episode__in=visible_episodes(user)).select_related(
        "episode", "called_by"
    )


def _episode_patient(row: QuestionnaireResponse | Score | QuestionnaireCall) -> int:
    return row.episode.patient_id


RESPONSES = register(
    RecordAccess(
        "questionnaire_response",
        visible_responses,
        _episode_patient,
        refusal="Your role cannot enter questionnaires.",
    )
)
SCORES = register(
    RecordAccess(
        "questionnaire_score",
        visible_scores,
        _episode_patient,
        refusal="Scores are worked out from the answers; nobody changes them.",
    )
)
CALLS = register(
    RecordAccess(
        "questionnaire_call",
        visible_calls,
        _episode_patient,
        refusal="Your role cannot note calls.",
    )
)


def site_instruments(site_id: int) -> QuerySet[LoadedInstrument]:
    """Every definition file the site loaded, newest first per key (settings, not records)."""
    return LoadedInstrument.objects.filter(site_id=site_id).order_by("key", "-loaded_at", "-pk")


def site_schedule(site_id: int) -> QuestionnaireSchedule | None:
    return QuestionnaireSchedule.objects.filter(site_id=site_id).first()
