"""A time point's questionnaires answered at once: the patient's and the paper forms (issue 13).

The same checks as one answer at a time (``save_answer``, ``enter_paper_response``):
every answer in its item's range, one completed response per time point, the
window open on the day given, and nothing kept when one form is refused.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from halluxpath.accounts.models import Role
from halluxpath.audit.context import Actor
from halluxpath.audit.models import AuditEvent
from halluxpath.outcomes.actions import enter_paper_forms, save_answers
from halluxpath.outcomes.models import QuestionnaireResponse, Score
from halluxpath.outcomes.schemas import Answer, AnswerSets, PaperForms
from halluxpath.patients.models import Episode
from tests.conftest import Clinic
from tests.outcomes.conftest import site_today

MOXFQ: dict[str, Answer] = {f"q{n:02d}": 2.0 for n in range(1, 17)}
NRS: dict[str, Answer] = {"pain": 3.0}


def send(clinic: Clinic, episode: Episode, forms: dict[str, Any], **changes: Any) -> Any:
    values: dict[str, Any] = {"episode_id": episode.pk, "time_point": "6m", "forms": forms}
    on = changes.pop("on", None)
    values.update(changes)
    return save_answers(Actor(clinic.user(Role.PATIENT)), AnswerSets(**values), on=on)


def test_a_time_points_questionnaires_are_sent_together_and_scored(
    clinic: Clinic, episode: Episode
) -> None:
    day = site_today(episode) - dt.timedelta(days=3)
    saved = send(clinic, episode, {"moxfq": MOXFQ, "nrs_pain": NRS}, send=True, on=day)
    assert [(r.instrument, r.status, r.completed_on, r.on_paper) for r in saved] == [
        ("moxfq", "completed", day, False),
        ("nrs_pain", "completed", day, False),
    ]
    index = Score.objects.get(response=saved[0], domain="index")
    assert index.value == 50.0
    assert Score.objects.get(response=saved[1]).value == 3.0
    events = AuditEvent.objects.filter(object_type="questionnaire_response", action="change")
    assert {e.detail["answers"].get("pain") for e in events} >= {3}
    with pytest.raises(ValidationError, match="cannot be sent twice"):
        send(clinic, episode, {"nrs_pain": NRS}, send=True)


def test_kept_without_sending_then_carried_on(clinic: Clinic, episode: Episode) -> None:
    (started,) = send(clinic, episode, {"moxfq": {"q01": 4, "q02": 3}})
    assert started.status == "in_progress"
    (done,) = send(clinic, episode, {"moxfq": {f"q{n:02d}": 0 for n in range(3, 17)}}, send=True)
    assert done.pk == started.pk
    assert done.answer_values["q01"] == 4
    assert done.status == "completed"


def test_one_bad_answer_keeps_nothing(clinic: Clinic, episode: Episode) -> None:
    with pytest.raises(ValidationError) as refused:
        send(clinic, episode, {"nrs_pain": NRS, "moxfq": {**MOXFQ, "q03": 7}}, send=True)
    assert "q03" in refused.value.message_dict
    with pytest.raises(ValidationError, match="not asked at this time point"):
        send(clinic, episode, {"nrs_pain": NRS, "vas_pain": {"pain_mm": 10}}, send=True)
    assert not QuestionnaireResponse.objects.exists()


def test_the_day_given_must_be_in_the_window_and_not_ahead(
    clinic: Clinic, episode: Episode
) -> None:
    today = site_today(episode)
    with pytest.raises(ValidationError, match="future"):
        send(clinic, episode, {"nrs_pain": NRS}, send=True, on=today + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="is open from"):
        send(clinic, episode, {"nrs_pain": NRS}, send=True, on=today - dt.timedelta(days=40))
    assert not QuestionnaireResponse.objects.exists()


def test_staff_do_not_answer_for_the_patient(clinic: Clinic, episode: Episode) -> None:
    with pytest.raises(PermissionDenied):
        save_answers(
            Actor(clinic.user(Role.NURSE)),
            AnswerSets(episode_id=episode.pk, time_point="6m", forms={"nrs_pain": NRS}),
        )


def paper(clinic: Clinic, episode: Episode, role: str = Role.NURSE, **changes: Any) -> Any:
    values: dict[str, Any] = {
        "episode_id": episode.pk,
        "time_point": "6m",
        "completed_on": site_today(episode) - dt.timedelta(days=2),
        "forms": {"moxfq": MOXFQ, "nrs_pain": NRS},
        **changes,
    }
    return enter_paper_forms(Actor(clinic.user(role)), PaperForms(**values))


def test_paper_forms_of_a_time_point_entered_at_once(clinic: Clinic, episode: Episode) -> None:
    saved = paper(clinic, episode)
    assert [(r.on_paper, r.entered_by, r.status) for r in saved] == [
        (True, clinic.user(Role.NURSE), "completed")
    ] * 2
    with pytest.raises(ValidationError, match="already completed on paper"):
        paper(clinic, episode, forms={"nrs_pain": NRS})
    with pytest.raises(PermissionDenied):
        paper(clinic, episode, role=Role.PHYSIOTHERAPIST, forms={"eq5d5l": {"vas": 50}})


def test_a_paper_form_with_no_answer_is_refused_and_nothing_kept(
    clinic: Clinic, episode: Episode
) -> None:
    with pytest.raises(ValidationError, match="EQ-5D-5L: enter at least one answer"):
        paper(clinic, episode, forms={"nrs_pain": NRS, "eq5d5l": {}})
    with pytest.raises(ValidationError, match="future"):
        paper(clinic, episode, completed_on=site_today(episode) + dt.timedelta(days=1))
    assert not QuestionnaireResponse.objects.exists()
