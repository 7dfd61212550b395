"""Answering: one response per time point, answers in range, scores never wrong (DOMAIN §13)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from halluxpath.accounts.models import Role
from halluxpath.audit.context import Actor
from halluxpath.outcomes.actions import complete_response, enter_paper_response, save_answer
from halluxpath.outcomes.models import QuestionnaireResponse, Score
from halluxpath.outcomes.schemas import AnswerInput, PaperResponse, QuestionnaireKey
from halluxpath.patients.models import Episode
from tests.conftest import Clinic
from tests.outcomes.conftest import operated, site_today


def answer(
    clinic: Clinic, episode: Episode, item: str, value: Any, instrument: str = "moxfq"
) -> QuestionnaireResponse:
    return save_answer(
        Actor(clinic.user(Role.PATIENT)),
        AnswerInput(
            episode_id=episode.pk, instrument=instrument, time_point="6m", item=item, value=value
        ),
    )


def complete(clinic: Clinic, episode: Episode, instrument: str = "moxfq") -> QuestionnaireResponse:
    return complete_response(
        Actor(clinic.user(Role.PATIENT)),
        QuestionnaireKey(episode_id=episode.pk, instrument=instrument, time_point="6m"),
    )


def scores(response: QuestionnaireResponse) -> dict[str, float | None]:
    return {s.domain: s.value for s in Score.objects.filter(response=response)}


def test_answers_are_kept_one_at_a_time_and_scored_on_completion(
    clinic: Clinic, episode: Episode
) -> None:
    for n in range(1, 17):
        answer(clinic, episode, f"q{n:02d}", 2)
    response = QuestionnaireResponse.objects.get()
    assert response.status == "in_progress"
    assert response.answer_values["q05"] == 2
    done = complete(clinic, episode)
    assert (done.status, done.completed_on, done.on_paper) == (
        "completed",
        site_today(episode),
        False,
    )
    assert scores(done) == {"walking_standing": 50.0, "pain": 50.0, "social": 50.0, "index": 50.0}
    row = Score.objects.filter(response=done).first()
    assert row is not None
    assert (row.episode_id, row.instrument, row.time_point) == (episode.pk, "moxfq", "6m")


def test_a_second_submission_for_the_same_time_point_is_refused(
    clinic: Clinic, episode: Episode
) -> None:
    answer(clinic, episode, "q01", 1)
    complete(clinic, episode)
    with pytest.raises(ValidationError, match="already completed online"):
        complete(clinic, episode)
    with pytest.raises(ValidationError, match="cannot be sent twice"):
        answer(clinic, episode, "q02", 1)
    assert QuestionnaireResponse.objects.count() == 1
    assert Score.objects.count() == 4


def test_too_many_missing_items_is_not_scorable_never_a_wrong_score(
    clinic: Clinic, episode: Episode
) -> None:
    for n in range(1, 15):  # q15 and q16 (two of the four social items) left out
        answer(clinic, episode, f"q{n:02d}", 4)
    result = scores(complete(clinic, episode))
    assert result["social"] is None
    assert result["walking_standing"] == 100.0
    assert Score.objects.get(domain="social").reason.endswith("too many to score")


@pytest.mark.parametrize(
    ("instrument", "item", "value", "message"),
    [
        ("moxfq", "q01", 5, "Choose one of the answers"),
        ("moxfq", "q01", -1, "Choose one of the answers"),
        ("moxfq", "q01", "na", "no 'not applicable'"),
        ("eq5d5l", "vas", 100.5, "from 0 to 100"),
        ("eq5d5l", "mobility", 0, "Choose one"),
        ("nrs_pain", "pain", 11, "Choose one"),
    ],
)
def test_an_answer_outside_the_items_range_is_refused(
    clinic: Clinic, episode: Episode, instrument: str, item: str, value: Any, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        answer(clinic, episode, item, value, instrument)
    assert not QuestionnaireResponse.objects.exists()


def test_eq5d_is_scored_from_the_sites_value_set(clinic: Clinic, episode: Episode) -> None:
    levels = {"mobility": 2, "self_care": 1, "usual_activities": 1}
    for item, value in {**levels, "pain_discomfort": 4, "anxiety_depression": 3}.items():
        answer(clinic, episode, item, value, "eq5d5l")
    answer(clinic, episode, "vas", 65, "eq5d5l")
    response = complete(clinic, episode, "eq5d5l")
    assert scores(response) == {"index": 0.512, "vas": 65.0}
    assert Score.objects.get(domain="index").profile == "21143"


def test_a_single_score_instrument_is_stored_as_score(clinic: Clinic, episode: Episode) -> None:
    answer(clinic, episode, "pain", 3, "nrs_pain")
    assert scores(complete(clinic, episode, "nrs_pain")) == {"score": 3.0}


def test_a_time_point_outside_its_window_is_not_open(clinic: Clinic, episode: Episode) -> None:
    operated(episode, 100)  # the 6-month window opens on day 152
    with pytest.raises(ValidationError, match="open from"):
        answer(clinic, episode, "q01", 1)
    operated(episode, 213)  # closed the day after 212
    with pytest.raises(ValidationError, match="open from"):
        answer(clinic, episode, "q01", 1)


def test_an_instrument_not_asked_at_the_time_point_is_refused(
    clinic: Clinic, episode: Episode
) -> None:
    with pytest.raises(ValidationError, match="not asked at this time point"):
        save_answer(
            Actor(clinic.user(Role.PATIENT)),
            AnswerInput(
                episode_id=episode.pk, instrument="vas_pain", time_point="6m", item="pain_mm"
            ),
        )


def test_only_the_patient_answers_and_only_their_own(clinic: Clinic, episode: Episode) -> None:
    with pytest.raises(PermissionDenied):
        save_answer(
            Actor(clinic.user(Role.NURSE)),
            AnswerInput(episode_id=episode.pk, instrument="moxfq", time_point="6m", item="q01"),
        )
    other = operated(clinic.patient_b.episodes.get(), 182)
    with pytest.raises(Http404):
        answer(clinic, other, "q01", 1)


def paper(clinic: Clinic, episode: Episode, role: str = Role.NURSE, **changes: Any) -> Any:
    values: dict[str, Any] = {
        "episode_id": episode.pk,
        "instrument": "moxfq",
        "time_point": "6m",
        "completed_on": site_today(episode) - dt.timedelta(days=2),
        "answers": {f"q{n:02d}": 1 for n in range(1, 17)},
        **changes,
    }
    return enter_paper_response(Actor(clinic.user(role)), PaperResponse(**values))


def test_staff_enter_a_paper_form_marked_as_such(clinic: Clinic, episode: Episode) -> None:
    answer(clinic, episode, "q01", 4)  # started online, then filled in on paper
    response = paper(clinic, episode)
    assert response.on_paper
    assert response.entered_by == clinic.user(Role.NURSE)
    assert response.completed_on == site_today(episode) - dt.timedelta(days=2)
    assert response.answer_values["q01"] == 1
    assert scores(response)["index"] == 25.0
    with pytest.raises(ValidationError, match="already completed on paper"):
        paper(clinic, episode)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"answers": {"q01": 9}}, "q01"),
        ({"answers": {"q99": 1}}, "q99"),
        ({"completed_on": dt.date(2999, 1, 1)}, "completed_on"),
        ({"completed_on": dt.date(2001, 1, 1)}, "completed_on"),
    ],
)
def test_a_wrong_paper_form_is_refused_on_its_field(
    clinic: Clinic, episode: Episode, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as refusal:
        paper(clinic, episode, **changes)
    assert field in refusal.value.message_dict
    assert not QuestionnaireResponse.objects.exists()


def test_a_physiotherapist_or_the_patient_cannot_enter_a_paper_form(
    clinic: Clinic, episode: Episode
) -> None:
    for role in (Role.PHYSIOTHERAPIST, Role.PATIENT):
        with pytest.raises(PermissionDenied):
            paper(clinic, episode, role)
