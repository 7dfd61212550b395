"""The patient's questionnaires in the portal: phone first, one question per screen.

The list shows what is open now; a questionnaire opens at the question
after the last one answered (answers are kept as each screen is left), shows
"3 of 16" with a progress bar, goes back and forward, and ends with a page
to send the answers and a thank-you saying what happens next. A time point
outside its window is not open (404 here, and refused by the actions).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from halluxpath.accounts.decorators import patient_required
from halluxpath.audit.context import Actor
from halluxpath.core.schedule import Progress
from halluxpath.forms import add_validation_errors
from halluxpath.outcomes import actions
from halluxpath.outcomes.access import RESPONSES
from halluxpath.outcomes.forms import ItemForm, initial_of
from halluxpath.outcomes.questionnaires import (
    Questionnaire,
    TimePointQuestionnaires,
    episode_questionnaires,
)
from halluxpath.outcomes.schemas import AnswerInput, QuestionnaireKey
from halluxpath.patients.access import EPISODES, episode_for
from halluxpath.patients.models import Episode


def patient_questionnaires(actor: Actor) -> list[tuple[Episode, list[TimePointQuestionnaires]]]:
    """Each of the patient's episodes with its time points (the portal list and Today card)."""
    found = []
    for episode in EPISODES.queryset(actor).order_by("-referred_on", "pk"):
        responses = RESPONSES.queryset(actor).filter(episode=episode)
        points = episode_questionnaires(episode, actions.site_today(episode), responses)
        if points:
            found.append((episode, points))
    return found


def _find(
    request: HttpRequest, episode_pk: int, time_point: str, instrument: str
) -> tuple[Episode, Questionnaire]:
    actor = Actor.from_request(request)
    episode = episode_for(actor, episode_pk)
    responses = RESPONSES.queryset(actor).filter(episode=episode)
    for point in episode_questionnaires(episode, actions.site_today(episode), responses):
        for questionnaire in point.questionnaires:
            if point.time_point.key == time_point and questionnaire.key == instrument:
                return episode, questionnaire
    raise Http404("No such questionnaire.")


def _open(
    request: HttpRequest, episode_pk: int, time_point: str, instrument: str
) -> tuple[Episode, Questionnaire]:
    episode, questionnaire = _find(request, episode_pk, time_point, instrument)
    if questionnaire.progress not in (Progress.OPEN, Progress.IN_PROGRESS):
        raise Http404("This questionnaire is not open.")
    return episode, questionnaire


def _answers(questionnaire: Questionnaire) -> dict[str, float | str | None]:
    return questionnaire.response.answer_values if questionnaire.response else {}


@patient_required
def questionnaire_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "outcomes/portal_list.html",
        {"episodes": patient_questionnaires(Actor.from_request(request))},
    )


@patient_required
def questionnaire_start(
    request: HttpRequest, episode_pk: int, time_point: str, instrument: str
) -> HttpResponse:
    """Open at the first question not yet reached (resume), or the send page when all were."""
    _, questionnaire = _open(request, episode_pk, time_point, instrument)
    answers = _answers(questionnaire)
    for number, item in enumerate(questionnaire.instrument.items, start=1):
        if item.key not in answers:
            return redirect("outcomes:item", episode_pk, time_point, instrument, number)
    return redirect("outcomes:send", episode_pk, time_point, instrument)


@patient_required
def questionnaire_item(
    request: HttpRequest, episode_pk: int, time_point: str, instrument: str, number: int
) -> HttpResponse:
    episode, questionnaire = _open(request, episode_pk, time_point, instrument)
    items = questionnaire.instrument.items
    if not 1 <= number <= len(items):
        raise Http404("No such question.")
    item = items[number - 1]
    answers = _answers(questionnaire)
    form = ItemForm(
        request.POST or None, item=item, initial={"value": initial_of(answers.get(item.key))}
    )
    if request.method == "POST" and form.is_valid():
        value = form.answer()
        back = request.POST.get("move") == "back"
        try:
            # Going back from a question never reached leaves it unreached (resume stays).
            if not (back and value is None and answers.get(item.key) is None):
                actions.save_answer(
                    Actor.from_request(request),
                    AnswerInput(
                        episode_id=episode.pk,
                        instrument=instrument,
                        time_point=time_point,
                        item=item.key,
                        value=value,
                    ),
                )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            if back:
                if number == 1:
                    return redirect("outcomes:list")
                return redirect("outcomes:item", episode.pk, time_point, instrument, number - 1)
            if number == len(items):
                return redirect("outcomes:send", episode.pk, time_point, instrument)
            return redirect("outcomes:item", episode.pk, time_point, instrument, number + 1)
    return render(
        request,
        "outcomes/portal_item.html",
        {
            "episode": episode,
            "questionnaire": questionnaire,
            "item": item,
            "form": form,
            "number": number,
            "total": len(items),
            "last": number == len(items),
        },
    )


@patient_required
def questionnaire_send(
    request: HttpRequest, episode_pk: int, time_point: str, instrument: str
) -> HttpResponse:
    """Check what was answered, then send (once)."""
    episode, questionnaire = _find(request, episode_pk, time_point, instrument)
    if questionnaire.progress == Progress.COMPLETED and request.method != "POST":
        return redirect("outcomes:thanks", episode.pk, time_point, instrument)
    error = ""
    if request.method == "POST":
        try:
            actions.complete_response(
                Actor.from_request(request),
                QuestionnaireKey(
                    episode_id=episode.pk, instrument=instrument, time_point=time_point
                ),
            )
        except ValidationError as refusal:
            error = " ".join(refusal.messages)
        else:
            return redirect("outcomes:thanks", episode.pk, time_point, instrument)
    elif questionnaire.progress not in (Progress.OPEN, Progress.IN_PROGRESS):
        raise Http404("This questionnaire is not open.")
    answers = _answers(questionnaire)
    unanswered = [
        (number, item)
        for number, item in enumerate(questionnaire.instrument.items, start=1)
        if answers.get(item.key) is None
    ]
    return render(
        request,
        "outcomes/portal_send.html",
        {
            "episode": episode,
            "questionnaire": questionnaire,
            "unanswered": unanswered,
            "answered": len(questionnaire.instrument.items) - len(unanswered),
            "total": len(questionnaire.instrument.items),
            "error": error,
        },
        status=400 if error else 200,
    )


@patient_required
def questionnaire_thanks(
    request: HttpRequest, episode_pk: int, time_point: str, instrument: str
) -> HttpResponse:
    episode, questionnaire = _find(request, episode_pk, time_point, instrument)
    if questionnaire.progress != Progress.COMPLETED:
        return redirect("outcomes:start", episode.pk, time_point, instrument)
    actor = Actor.from_request(request)
    responses = RESPONSES.queryset(actor).filter(episode=episode)
    points = episode_questionnaires(episode, actions.site_today(episode), responses)
    still_open = [
        q
        for p in points
        for q in p.questionnaires
        if q.progress in (Progress.OPEN, Progress.IN_PROGRESS)
    ]
    later = [p for p in points if p.window.opens_on > questionnaire.window.closes_on]
    return render(
        request,
        "outcomes/portal_thanks.html",
        {
            "episode": episode,
            "questionnaire": questionnaire,
            "still_open": still_open,
            "next_point": later[0] if later else None,
            "site": episode.patient.site,
        },
    )
