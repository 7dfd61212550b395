"""Patients and episodes over HTTP: the same actions, typed inputs and refusals as the pages.

``422 {"detail": ...}`` names what was refused, ``409`` an edit that did not
start from the current version, ``404`` a record you may not see, ``403`` a
role that may not change it (the API-wide handlers in ``api.urls``).
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from halluxpath.audit.context import Actor
from halluxpath.core.episode import EpisodeStatus, Sex, Side
from halluxpath.patients import actions
from halluxpath.patients.access import EPISODES, PATIENTS, episode_for, patient_for
from halluxpath.patients.journey import StepRow, full_name, journey_for
from halluxpath.patients.models import Episode, Patient, Reminders, StatusChange
from halluxpath.patients.schemas import (
    EpisodeDetails,
    PatientChanges,
    PatientDetails,
    StatusChangeInput,
)

router = Router(tags=["patients"])


class EpisodeOut(Schema):
    id: int
    patient: int
    version: int = Field(description="Send it back to change the episode")
    side: Side
    diagnosis: str
    status: EpisodeStatus
    responsible_surgeon: int
    care_team: int
    referred_on: dt.date


class PatientOut(Schema):
    id: int
    version: int = Field(description="Send it back to change the patient's details")
    hospital_number: str
    given_name: str
    family_name: str
    date_of_birth: dt.date
    sex: Sex
    phone: str
    email: str
    reminders: Reminders
    episodes: list[EpisodeOut]


class Registration(Schema):
    patient: PatientDetails
    first_episode: EpisodeDetails


class PatientEdit(Schema):
    version: int
    changes: PatientChanges


class EpisodeEdit(Schema):
    version: int
    details: EpisodeDetails


class StatusStep(StatusChangeInput):
    version: int


def _episode_out(episode: Episode) -> EpisodeOut:
    return EpisodeOut(
        id=episode.pk,
        patient=episode.patient_id,
        version=episode.version,
        side=Side(episode.side),
        diagnosis=episode.diagnosis,
        status=EpisodeStatus(episode.status),
        responsible_surgeon=episode.responsible_surgeon_id,
        care_team=episode.care_team_id,
        referred_on=episode.referred_on,
    )


def _patient_out(actor: Actor, patient: Patient) -> PatientOut:
    """The patient as the actor may see them: only the episodes of their own teams' feet."""
    return PatientOut(
        id=patient.pk,
        version=patient.version,
        hospital_number=patient.hospital_number,
        given_name=patient.given_name,
        family_name=patient.family_name,
        date_of_birth=patient.date_of_birth,
        sex=Sex(patient.sex),
        phone=patient.phone,
        email=patient.email,
        reminders=Reminders(patient.reminders),
        episodes=[_episode_out(e) for e in EPISODES.queryset(actor).filter(patient=patient)],
    )


def _written(actor: Actor, patient: Patient) -> PatientOut:
    """A patient the action just wrote, shown back (and recorded as shown)."""
    PATIENTS.shown(actor, patient)
    return _patient_out(actor, patient)


@router.post("/patients", response={201: PatientOut}, summary="Register a patient")
def register(request: HttpRequest, body: Registration) -> Status[PatientOut]:
    actor = Actor.from_request(request)
    patient = actions.create_patient(actor, body.patient, body.first_episode)
    return Status(201, _written(actor, patient))


@router.get("/patients/{patient_id}", response=PatientOut, summary="A patient and their episodes")
def read_patient(request: HttpRequest, patient_id: int) -> PatientOut:
    actor = Actor.from_request(request)
    return _patient_out(actor, patient_for(actor, patient_id))


@router.patch("/patients/{patient_id}", response=PatientOut, summary="Change a patient's details")
def change_patient(request: HttpRequest, patient_id: int, body: PatientEdit) -> PatientOut:
    actor = Actor.from_request(request)
    patient = actions.update_patient(actor, patient_id, body.version, body.changes)
    return _written(actor, patient)


@router.post(
    "/patients/{patient_id}/episodes",
    response={201: EpisodeOut},
    summary="Open a further episode (e.g. the other foot)",
)
def open_episode(request: HttpRequest, patient_id: int, body: EpisodeDetails) -> Status[EpisodeOut]:
    episode = actions.open_episode(Actor.from_request(request), patient_id, body)
    return Status(201, _episode_out(episode))


@router.get("/episodes/{episode_id}", response=EpisodeOut, summary="One episode of care")
def read_episode(request: HttpRequest, episode_id: int) -> EpisodeOut:
    return _episode_out(episode_for(Actor.from_request(request), episode_id))


@router.put("/episodes/{episode_id}", response=EpisodeOut, summary="Change an episode's details")
def change_episode(request: HttpRequest, episode_id: int, body: EpisodeEdit) -> EpisodeOut:
    episode = actions.update_episode(
        Actor.from_request(request), episode_id, body.version, body.details
    )
    return _episode_out(episode)


@router.post(
    "/episodes/{episode_id}/status",
    response=EpisodeOut,
    summary="Move an episode to its next stage of care",
)
def change_status(request: HttpRequest, episode_id: int, body: StatusStep) -> EpisodeOut:
    step = StatusChangeInput(to_status=body.to_status, note=body.note)
    episode = actions.change_episode_status(
        Actor.from_request(request), episode_id, body.version, step
    )
    return _episode_out(episode)


class StepOut(Schema):
    step: str = Field(description="core.journey.Step: radiographs, assessment, plan, ...")
    label: str
    state: str = Field(description="not_started, in_progress or done")
    by: str | None = Field(description="Who did it (full name), when started or done")
    at: dt.datetime | dt.date | None
    detail: str
    url: str = Field(description="The page where the step is done")


class StatusChangeOut(Schema):
    from_status: EpisodeStatus | None
    to_status: EpisodeStatus
    changed_at: dt.datetime
    changed_by: str
    cause: str = Field(description='e.g. "plan saved by ...", "manual: <reason>"')


class JourneyOut(Schema):
    episode: int
    status: EpisodeStatus
    steps: list[StepOut]
    next_step: StepOut | None
    history: list[StatusChangeOut]


def _step_out(row: StepRow) -> StepOut:
    stamp = row.state.stamp
    return StepOut(
        step=row.state.key,
        label=row.state.label,
        state=row.state.state.value,
        by=stamp.by if stamp else None,
        at=stamp.at if stamp else None,
        detail=row.state.detail,
        url=row.url,
    )


def _change_out(change: StatusChange) -> StatusChangeOut:
    return StatusChangeOut(
        from_status=EpisodeStatus(change.from_status) if change.from_status else None,
        to_status=EpisodeStatus(change.to_status),
        changed_at=change.changed_at,
        changed_by=full_name(change.changed_by),
        cause=change.shown_cause,
    )


@router.get(
    "/episodes/{episode_id}/journey",
    response=JourneyOut,
    summary="Every step of an episode, the next step and the status history with causes",
)
def read_journey(request: HttpRequest, episode_id: int) -> JourneyOut:
    actor = Actor.from_request(request)
    episode = episode_for(actor, episode_id)
    journey = journey_for(actor, episode)
    return JourneyOut(
        episode=episode.pk,
        status=EpisodeStatus(episode.status),
        steps=[_step_out(r) for r in journey.steps],
        next_step=_step_out(journey.next_step) if journey.next_step else None,
        history=[_change_out(c) for c in episode.status_changes.select_related("changed_by")],
    )
