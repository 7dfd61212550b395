"""An episode's journey as its pages show it: the records read, the core computes the states.

The records belong to the apps built on patients (imaging, surgery,
aftercare), which patients may not import (tests/test_layers.py); they are
read here through those apps' registered access helpers
(``halluxpath.access.registered``), by object type, so every read still goes
through the one helper of its record and sees only what the actor may see.
Only who recorded a step and when are read, never a record's content.
``core.journey`` turns the snapshot into each step's state and the next step.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.dateparse import parse_datetime

from halluxpath.access import RecordAccess, registered
from halluxpath.accounts.models import User
from halluxpath.audit.context import Actor
from halluxpath.core.episode import EpisodeStatus
from halluxpath.core.journey import Journey, Snapshot, Stamp, Step, StepState, journey
from halluxpath.patients.models import Episode, StatusChange

PRE_OPERATIVE = "pre_op"  # core.radiograph.TimePoint.PRE_OPERATIVE


@dataclass(frozen=True)
class StepRow:
    """One step with the page where it is done."""

    state: StepState
    url: str


@dataclass(frozen=True)
class EpisodeJourney:
    """What the episode page and the ``patients/_next_step.html`` partial show."""

    episode: Episode
    steps: tuple[StepRow, ...]
    next_step: StepRow | None
    url: str  # the episode page

    @property
    def journey(self) -> Journey:
        return Journey(
            tuple(r.state for r in self.steps),
            self.next_step.state if self.next_step is not None else None,
        )


def full_name(user: User | None) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _helper(object_type: str) -> RecordAccess[Any]:
    return registered()[object_type]


def _stamp(user: User | None, at: dt.datetime | None) -> Stamp | None:
    return None if at is None else Stamp(full_name(user), at)


def _change_stamp(change: StatusChange | None) -> Stamp | None:
    return None if change is None else _stamp(change.changed_by, change.changed_at)


def _rows(actor: Actor, object_type: str, episode: Episode, **lookup: Any) -> Any:
    """The actor's visible rows of one type for the episode (a query set, not yet run)."""
    return _helper(object_type).queryset(actor).filter(episode=episode, **lookup)


def _checklist_phases(actor: Actor, episode: Episode) -> dict[str, Stamp]:
    sheet = _rows(actor, "checklist", episode).first()
    if sheet is None:
        return {}
    done: dict[str, dict[str, Any]] = sheet.phases_done
    names = {
        u.username: full_name(u)
        for u in User.objects.filter(username__in={str(v.get("by", "")) for v in done.values()})
    }
    phases: dict[str, Stamp] = {}
    for phase, who in done.items():
        at = parse_datetime(str(who.get("at", "")))
        if at is not None:
            by = str(who.get("by", ""))
            phases[phase] = Stamp(names.get(by, by), at)
    return phases


def snapshot(actor: Actor, episode: Episode) -> tuple[Snapshot, int | None]:
    """What has been recorded for the episode, and its planning film (measured, else the
    first pre-operative film, else the first film; None without films)."""
    films = list(
        _helper("radiograph")
        .queryset(actor)
        .filter(episode=episode)
        .select_related("uploaded_by")
        .order_by("uploaded_at", "pk")
    )
    readings = (
        _helper("measurement")
        .queryset(actor)
        .filter(radiograph__episode=episode, superseded_at__isnull=True)
        .order_by("created_at", "pk")
    )
    # The step is the pre-operative reading the plan is made from; a foot
    # with no pre-operative film counts any reading.
    measurement = readings.filter(radiograph__time_point=PRE_OPERATIVE).first() or (
        readings.first() if not any(f.time_point == PRE_OPERATIVE for f in films) else None
    )
    assessment = _rows(actor, "assessment", episode).select_related("recorded_by").first()
    plan = _rows(actor, "plan", episode).select_related("decided_by").first()
    sheets = _rows(actor, "consent_sheet", episode).order_by("prepared_at", "pk")
    consent = sheets.select_related("prepared_by").first()
    signed = (
        sheets.filter(signed_on__isnull=False)
        .select_related("consent_taken_by")
        .order_by("-signature_recorded_at", "-pk")
        .first()
    )
    record = (
        _rows(actor, "operative_record", episode).select_related("recorded_by", "signed_by").first()
    )
    aftercare = _rows(actor, "aftercare_plan", episode).first()
    check_in = (
        _rows(actor, "check_in", episode).select_related("submitted_by").order_by("submitted_at")
    ).first()
    changes = {
        c.to_status: c
        for c in StatusChange.objects.filter(episode=episode).select_related("changed_by")
    }
    pre_op = [f for f in films if f.time_point == PRE_OPERATIVE] or films
    measured_film = measurement.radiograph_id if measurement is not None else None
    waiting = measured_film or next((f.pk for f in pre_op), None)
    follow_up = changes.get(EpisodeStatus.FOLLOW_UP.value)
    discharged = changes.get(EpisodeStatus.DISCHARGED.value)
    return (
        Snapshot(
            status=EpisodeStatus(episode.status),
            films=len(films),
            first_film=_stamp(films[0].uploaded_by, films[0].uploaded_at) if films else None,
            measured=measurement and _stamp(measurement.observer, measurement.created_at),
            assessment=assessment and _stamp(assessment.recorded_by, assessment.updated_at),
            plan=plan and _stamp(plan.decided_by, plan.updated_at),
            consent=consent and _stamp(consent.prepared_by, consent.prepared_at),
            consent_signed=signed and _stamp(signed.consent_taken_by, signed.signature_recorded_at),
            checklist_phases=_checklist_phases(actor, episode),
            record_written=record and _stamp(record.recorded_by, record.updated_at),
            record_signed=record and _stamp(record.signed_by, record.signed_at),
            aftercare_plan=aftercare and _stamp(aftercare.issued_by, aftercare.issued_at),
            first_check_in=check_in and Stamp("the patient", check_in.submitted_at),
            follow_up_started=_change_stamp(follow_up),
            discharged=_change_stamp(discharged),
        ),
        waiting,
    )


def _url(step: Step, episode: Episode, film: int | None) -> str:
    if step == Step.RADIOGRAPHS:
        if film is not None:
            return reverse("imaging:radiograph", args=[film])
        return reverse("imaging:upload", args=[episode.pk])
    names = {
        Step.ASSESSMENT: "surgery:assessment",
        Step.PLAN: "surgery:plan",
        Step.CONSENT: "surgery:consent",
        Step.CHECKLIST: "surgery:checklist",
        Step.OPERATIVE_RECORD: "surgery:operation",
        Step.AFTERCARE_PLAN: "aftercare:plan",
        Step.FOLLOW_UP: "aftercare:plan",
    }
    return reverse(names[step], args=[episode.pk])


def journey_for(actor: Actor, episode: Episode) -> EpisodeJourney:
    """The journey of an episode the actor has already fetched through ``episode_for``."""
    shot, film = snapshot(actor, episode)
    result = journey(shot)
    rows = tuple(StepRow(s, _url(s.step, episode, film)) for s in result.steps)
    next_row = next((r for r in rows if r.state == result.next_step), None)
    return EpisodeJourney(episode, rows, next_row, reverse("patients:episode", args=[episode.pk]))


def journeys_for(actor: Actor, episodes: Iterable[Episode]) -> dict[int, EpisodeJourney]:
    """Several episodes' journeys (a patient page: one or two feet)."""
    return {e.pk: journey_for(actor, e) for e in episodes}
