"""Answering questionnaires: the patient in the portal, staff from a paper form.

- ``save_answer``: one answer at a time, kept at once, so a patient who stops
  half way carries on where they stopped; the response is started by its
  first answer.
- ``complete_response``: the patient sends it; it is scored (core.instruments)
  and cannot be sent twice for the same time point.
- ``save_answers``: the patient gives a whole questionnaire's answers at
  once (kept, and sent if asked), with the same checks as one at a time; the
  demo's history uses it with the day the patient answered.
- ``enter_paper_response``: staff type in a paper form on the patient's
  behalf, marked ``on_paper`` with who entered it.

Every answer is checked against its item (an option the item offers, a
number in its range, "not applicable" only where allowed); a domain with too
many items missing is stored with a null score and its reason, never a
wrong number (DOMAIN §13). When every questionnaire of a time point is
completed, the reminders still waiting for it are cancelled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format

from halluxpath.access import signed_in
from halluxpath.accounts import permissions
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.core.instruments import NOT_APPLICABLE, Instrument, Item, score
from halluxpath.core.reminders import questionnaire_key
from halluxpath.core.schedule import CHASE_AFTER_DAYS, Schedule, TimePointKey, Window
from halluxpath.frontdoor import page_only
from halluxpath.outcomes import stored
from halluxpath.outcomes.access import RESPONSES
from halluxpath.outcomes.models import QuestionnaireResponse, ResponseStatus, Score
from halluxpath.outcomes.questionnaires import day_zero, instruments_of, schedule_of, stored_key
from halluxpath.outcomes.schemas import (
    Answer,
    AnswerInput,
    AnswerSets,
    PaperForms,
    PaperResponse,
    QuestionnaireKey,
)
from halluxpath.patients.access import episode_for
from halluxpath.patients.models import Episode
from halluxpath.registry.actions import refresh_scores
from halluxpath.reminders.models import OutboxMessage, Status

PATIENT_ONLY = "Questionnaires are answered by the patient; staff enter a paper form."
PORTAL = "the patient answers in the portal; the API serves staff and integrations"


@dataclass(frozen=True)
class Asked:
    """A questionnaire as the schedule asks it: the episode, the instrument, its window."""

    episode: Episode
    instrument: Instrument
    window: Window
    schedule: Schedule  # the site's, as asked (its instruments loaded)

    @property
    def label(self) -> str:
        return TimePointKey(self.window.time_point).label.lower()


def site_today(episode: Episode) -> dt.date:
    """Today in the patient's site's time zone."""
    return timezone.now().astimezone(episode.patient.site.zone).date()


def _asked(actor: Actor, key: QuestionnaireKey, purpose: str) -> Asked:
    return _asked_forms(actor, key.episode_id, key.time_point, [key.instrument], purpose)[0]


def _asked_forms(
    actor: Actor, episode_id: int, time_point: str, keys: list[str], purpose: str
) -> list[Asked]:
    """The questionnaires ``keys`` of one time point of one episode, as its site asks them."""
    if not keys:
        raise ValidationError("Give the answers of at least one questionnaire.")
    episode = episode_for(actor, episode_id, purpose="edit" if purpose == "edit" else "view")
    site_id = episode.patient.site_id
    instruments = instruments_of(site_id)
    if any(key not in instruments for key in keys):
        raise ValidationError("This questionnaire is not used at this clinic.")
    if time_point not in TimePointKey.values():
        raise ValidationError(f"{time_point!r} is not a time point.")
    schedule = schedule_of(site_id, instruments)
    point = schedule.time_point(time_point)
    if point is None or any(key not in point.instruments for key in keys):
        raise ValidationError("This questionnaire is not asked at this time point.")
    operated_on = day_zero(episode)
    if operated_on is None:
        raise ValidationError("The questionnaires open once the operation date is known.")
    window = schedule.window(point.key, operated_on)
    if window is None:
        raise ValidationError("The operation date on record is out of range.")
    return [Asked(episode, instruments[key], window, schedule) for key in keys]


def _patient_asked(actor: Actor, key: QuestionnaireKey) -> Asked:
    return _patient_asked_forms(actor, key.episode_id, key.time_point, [key.instrument])[0]


def _patient_asked_forms(
    actor: Actor, episode_id: int, time_point: str, keys: list[str], on: dt.date | None = None
) -> list[Asked]:
    """The questionnaires the patient answers, open on ``on`` (today unless given)."""
    if not permissions.may_answer_own_questionnaires(signed_in(actor)):
        raise PermissionDenied(PATIENT_ONLY)
    forms = _asked_forms(actor, episode_id, time_point, keys, "view")  # not theirs: 404
    window = forms[0].window
    today = site_today(forms[0].episode)
    if on is not None and on > today:
        raise ValidationError("Answers cannot be dated in the future.")
    if not window.is_open(on or today):
        raise ValidationError(
            f"This questionnaire is open from {date_format(window.opens_on)} "
            f"to {date_format(window.closes_on)}."
        )
    return forms


def _problem(item: Item, value: Answer) -> str:
    """Why ``value`` is not an answer to ``item`` (empty when it is)."""
    if value is None:
        return ""
    if value == NOT_APPLICABLE:
        return "" if item.not_applicable else "This question has no 'not applicable' answer."
    if isinstance(value, float | int) and item.accepts(float(value)):
        return ""
    if item.options:
        return "Choose one of the answers."
    low = 0 if item.low is None else item.low
    return (
        f"Give a number from {low:g} to {item.high:g}."
        if item.high is not None
        else ("Give a number.")
    )


def _stored_answer(value: Answer) -> float | str | None:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _checked(instrument: Instrument, given: dict[str, Answer]) -> dict[str, float | str | None]:
    """Every item's answer (None where none is given), each checked against its item.

    ``ValidationError`` names each item whose answer is refused, and a key
    that is not a question of the instrument.
    """
    problems: dict[str, str] = {}
    answers: dict[str, float | str | None] = {}
    for item in instrument.items:
        value = given.get(item.key)
        problem = _problem(item, value)
        if problem:
            problems[item.key] = problem
        answers[item.key] = _stored_answer(value)
    unknown = set(given) - set(answers)
    if unknown:
        problems[sorted(unknown)[0]] = "This is not a question of this questionnaire."
    if problems:
        raise ValidationError(problems)
    return answers


def _locked(asked: Asked) -> QuestionnaireResponse | None:
    return (
        QuestionnaireResponse.objects.select_for_update()
        .filter(
            episode=asked.episode,
            instrument=asked.instrument.key,
            time_point=asked.window.time_point,
        )
        .first()
    )


def _locked_all(forms: list[Asked]) -> dict[str, QuestionnaireResponse]:
    """The responses already started of one time point's questionnaires, locked (one query)."""
    first = forms[0]
    rows = QuestionnaireResponse.objects.select_for_update().filter(
        episode=first.episode,
        time_point=first.window.time_point,
        instrument__in=[asked.instrument.key for asked in forms],
    )
    return {row.instrument: row for row in rows}


def _refuse_if_completed(asked: Asked, response: QuestionnaireResponse | None) -> None:
    if response is not None and response.is_completed:
        how = "on paper" if response.on_paper else "online"
        when = date_format(response.completed_on) if response.completed_on else ""
        raise ValidationError(
            f"{asked.instrument.title} ({asked.label}) was already completed {how} on {when}; "
            "it cannot be sent twice."
        )


def _start(
    asked: Asked, answers: dict[str, float | str | None], *, save: bool = True
) -> QuestionnaireResponse:
    """A new response; ``save=False``: not written yet (``_finish`` writes it completed)."""
    response = QuestionnaireResponse(
        episode=asked.episode,
        instrument=asked.instrument.key,
        instrument_version=asked.instrument.version,
        time_point=asked.window.time_point,
        answers=stored.ANSWERS.stamp({"answers": answers}),
    )
    if save:
        _insert(response)
    return response


def _insert(response: QuestionnaireResponse) -> None:
    try:
        with transaction.atomic():
            response.save(force_insert=True)
    except IntegrityError:  # started at the same moment elsewhere
        raise ValidationError("This questionnaire was just started elsewhere: try again.") from None


@page_only(PORTAL)
def save_answer(actor: Actor, data: AnswerInput) -> QuestionnaireResponse:
    """Keep one answer (None: the question left unanswered); starts the response if needed."""
    asked = _patient_asked(actor, data)
    try:
        item = asked.instrument.item(data.item)
    except StopIteration:
        raise ValidationError("This is not a question of this questionnaire.") from None
    problem = _problem(item, data.value)
    if problem:
        raise ValidationError({"value": problem})
    value = _stored_answer(data.value)
    with transaction.atomic():
        response = _locked(asked)
        _refuse_if_completed(asked, response)
        if response is None:
            response = _start(asked, {item.key: value})
            action = "create"
        else:
            answers = response.answer_values
            answers[item.key] = value
            response.answers = stored.ANSWERS.stamp({"answers": answers})
            response.version += 1
            response.save()
            action = "change"
        record(
            actor,
            action,
            object_type="questionnaire_response",
            object_id=response.pk,
            patient_id=asked.episode.patient_id,
            detail={"item": item.key, "answer": value},
        )
    return response


@page_only(PORTAL)
def complete_response(actor: Actor, data: QuestionnaireKey) -> QuestionnaireResponse:
    """Send the answers: scored, and never accepted a second time for this time point."""
    asked = _patient_asked(actor, data)
    with transaction.atomic():
        response = _locked(asked)
        _refuse_if_completed(asked, response)
        if response is None or not any(v is not None for v in response.answer_values.values()):
            raise ValidationError("Answer at least one question before sending.")
        _finish(actor, asked, response, site_today(asked.episode))
    return response


@page_only(
    "the portal asks one question per screen (save_answer); a time point's questionnaires "
    "at once are the demo's history (and a short-page form, not built); the API serves staff"
)
def save_answers(
    actor: Actor, data: AnswerSets, *, on: dt.date | None = None
) -> list[QuestionnaireResponse]:
    """Keep the patient's answers to a time point's questionnaires; sent (scored) if ``data.send``.

    Each answer is checked as ``save_answer`` checks it; answers kept earlier
    for other questions stay. Every questionnaire's answers are checked before
    anything is kept. One audit event per questionnaire holds the answers
    given. ``on`` is the day the patient answered, today unless given: only
    the demo's history passes an earlier day (the portal never does), and the
    questionnaires must have been open that day.
    """
    forms = _patient_asked_forms(actor, data.episode_id, data.time_point, list(data.forms), on)
    day = on or site_today(forms[0].episode)
    given = {
        asked.instrument.key: {
            k: v
            for k, v in _checked(asked.instrument, data.forms[asked.instrument.key]).items()
            if k in data.forms[asked.instrument.key]
        }
        for asked in forms
    }
    saved = []
    with transaction.atomic():
        started = _locked_all(forms)
        for asked in forms:
            answers = given[asked.instrument.key]
            response = started.get(asked.instrument.key)
            _refuse_if_completed(asked, response)
            if response is None:
                response = _start(asked, answers, save=not data.send)
                action = "create"
            else:
                merged = response.answer_values | answers
                response.answers = stored.ANSWERS.stamp({"answers": merged})
                response.version += 1
                action = "change"
            saved.append(response)
            if data.send:
                if not any(v is not None for v in response.answer_values.values()):
                    raise ValidationError(
                        f"{asked.instrument.title}: answer at least one question before sending."
                    )
                _finish(actor, asked, response, day, answers_given=answers, cancel=False)
                continue
            if action == "change":
                response.save()
            record(
                actor,
                action,
                object_type="questionnaire_response",
                object_id=response.pk,
                patient_id=asked.episode.patient_id,
                detail={"answers": answers},
            )
        if data.send:
            _cancel_reminders_if_done(forms[0])
    return saved


@page_only(
    "staff type in a paper form on the episode page; an integration sending answers "
    "would need its own door and is not built"
)
def enter_paper_response(actor: Actor, data: PaperResponse) -> QuestionnaireResponse:
    """Staff enter a paper form: every answer checked, then scored as a completed response."""
    forms = PaperForms(
        episode_id=data.episode_id,
        time_point=data.time_point,
        completed_on=data.completed_on,
        forms={data.instrument: data.answers},
    )
    return _enter_paper(actor, forms, single=True)[0]


@page_only(
    "the demo's history enters a time point's paper forms at once; staff enter one form "
    "at a time on the episode page (enter_paper_response)"
)
def enter_paper_forms(actor: Actor, data: PaperForms) -> list[QuestionnaireResponse]:
    """Staff enter a time point's paper forms at once, each as ``enter_paper_response`` does."""
    return _enter_paper(actor, data, single=False)


def _enter_paper(actor: Actor, data: PaperForms, *, single: bool) -> list[QuestionnaireResponse]:
    user = signed_in(actor)
    if not permissions.may_change_clinical_records(user):
        raise PermissionDenied(RESPONSES.refusal)
    forms = _asked_forms(actor, data.episode_id, data.time_point, list(data.forms), "edit")
    window = forms[0].window
    today = site_today(forms[0].episode)
    if data.completed_on > today:
        raise ValidationError({"completed_on": "The form cannot be dated in the future."})
    if data.completed_on < window.opens_on:
        raise ValidationError(
            {
                "completed_on": "The form is dated before this time point opened "
                f"({date_format(window.opens_on)})."
            }
        )
    checked = {}
    for asked in forms:
        answers = _checked(asked.instrument, data.forms[asked.instrument.key])
        if not any(v is not None for v in answers.values()):
            raise ValidationError(
                "Enter at least one answer from the form."
                if single
                else f"{asked.instrument.title}: enter at least one answer from the form."
            )
        checked[asked.instrument.key] = answers
    saved = []
    with transaction.atomic():
        started = _locked_all(forms)
        for asked in forms:
            answers = checked[asked.instrument.key]
            response = started.get(asked.instrument.key)
            _refuse_if_completed(asked, response)
            before = response.answer_values if response else None
            if response is None:
                response = _start(asked, answers, save=False)
            else:
                response.answers = stored.ANSWERS.stamp({"answers": answers})
            response.on_paper = True
            response.entered_by = user
            _finish(actor, asked, response, data.completed_on, before=before, cancel=False)
            saved.append(response)
        _cancel_reminders_if_done(forms[0])
    return saved


def _finish(
    actor: Actor,
    asked: Asked,
    response: QuestionnaireResponse,
    completed_on: dt.date,
    *,
    before: dict[str, float | str | None] | None = None,
    answers_given: dict[str, float | str | None] | None = None,
    cancel: bool = True,
) -> None:
    """Complete, score and audit the response; cancel the reminders no longer needed.

    ``cancel=False``: the caller completes several and cancels once after them.
    """
    response.status = ResponseStatus.COMPLETED
    response.completed_on = completed_on
    response.instrument_version = asked.instrument.version
    if response.pk is None:
        _insert(response)  # a new response, written completed
    else:
        response.version += 1
        response.save()
    answers = response.answer_values
    scores = score(asked.instrument, answers)
    Score.objects.bulk_create(
        [
            Score(
                response=response,
                episode=asked.episode,
                instrument=asked.instrument.key,
                domain=stored_key(asked.instrument, domain),
                time_point=asked.window.time_point,
                value=result.score,
                reason=result.reason[:200],
                profile=result.profile,
            )
            for domain, result in zip(asked.instrument.domains, scores, strict=True)
        ]
    )
    refresh_scores(asked.episode.pk)  # the dashboards' questionnaire tallies
    cancelled = _cancel_reminders_if_done(asked) if cancel else 0
    detail: dict[str, object] = {
        "completed": True,
        "on_paper": response.on_paper,
        "completed_on": completed_on.isoformat(),
        "scores": {s.domain: s.score for s in scores},
        "reminders_cancelled": cancelled,
    }
    if before is not None:
        detail["answers_before"] = before
    if response.on_paper:
        detail["answers"] = answers
    elif answers_given is not None:
        detail["answers"] = answers_given
    record(
        actor,
        "change",
        object_type="questionnaire_response",
        object_id=response.pk,
        patient_id=asked.episode.patient_id,
        detail=detail,
    )


def _cancel_reminders_if_done(asked: Asked) -> int:
    """Cancel the time point's waiting reminders once all its questionnaires are completed."""
    point = asked.schedule.time_point(asked.window.time_point)
    wanted = set(point.instruments) if point else {asked.instrument.key}
    done = set(
        QuestionnaireResponse.objects.filter(
            episode=asked.episode,
            time_point=asked.window.time_point,
            status=ResponseStatus.COMPLETED,
        ).values_list("instrument", flat=True)
    )
    if not wanted <= done:
        return 0
    keys = [
        questionnaire_key(asked.episode.pk, asked.window.time_point, n) for n in CHASE_AFTER_DAYS
    ]
    return OutboxMessage.objects.filter(dedup_key__in=keys, status=Status.PENDING).update(
        status=Status.CANCELLED
    )
