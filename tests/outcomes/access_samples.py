"""One of each questionnaire record, attached to a given episode, for the access-matrix test."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model

from halluxpath.outcomes import stored
from halluxpath.outcomes.models import QuestionnaireCall, QuestionnaireResponse, Score
from halluxpath.patients.models import Episode


def _response(episode: Episode) -> QuestionnaireResponse:
    return QuestionnaireResponse.objects.create(
        episode=episode,
        instrument="nrs_pain",
        instrument_version="1",
        time_point="6m",
        answers=stored.ANSWERS.stamp({"answers": {"pain": 3}}),
    )


def _score(episode: Episode) -> Score:
    response = _response(episode)
    return Score.objects.create(
        response=response,
        episode=episode,
        instrument="nrs_pain",
        domain="pain",
        time_point="6m",
        value=3.0,
    )


def _call(episode: Episode) -> QuestionnaireCall:
    return QuestionnaireCall.objects.create(
        episode=episode, time_point="6m", called_by=episode.responsible_surgeon
    )


SAMPLES: dict[str, Callable[[Episode], Model]] = {
    "questionnaire_response": _response,
    "questionnaire_score": _score,
    "questionnaire_call": _call,
}
