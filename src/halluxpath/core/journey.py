"""Where an episode stands: each step of the surgical journey and the one to do next.

From the first film to follow-up a foot passes the same steps (DOMAIN §2 to
§12): the radiographs measured, the pre-operative assessment, the plan, the
consent sheet, the WHO checklist in its three phases (DOMAIN §9), the signed
operative record (DOMAIN §5), the aftercare plan and follow-up. Each is not
started, in progress or done (by whom, when), computed here from a small
snapshot of what has been recorded, so the episode page, the next-step hint
on every surgical page and the tests all agree. Pure: no Django, no I/O.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from halluxpath.core.checklist import Phase
from halluxpath.core.episode import EpisodeStatus


class State(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    DONE = "done"

    @property
    def label(self) -> str:
        return {"not_started": "Not started", "in_progress": "In progress", "done": "Done"}[
            self.value
        ]


class Step(enum.StrEnum):
    RADIOGRAPHS = "radiographs"
    ASSESSMENT = "assessment"
    PLAN = "plan"
    CONSENT = "consent"
    CHECKLIST = "checklist"
    OPERATIVE_RECORD = "operative_record"
    AFTERCARE_PLAN = "aftercare_plan"
    FOLLOW_UP = "follow_up"

    @property
    def label(self) -> str:
        return _STEP_LABELS[self]


_STEP_LABELS = {
    Step.RADIOGRAPHS: "Radiographs measured",
    Step.ASSESSMENT: "Pre-operative assessment",
    Step.PLAN: "Surgical plan",
    Step.CONSENT: "Consent sheet",
    Step.CHECKLIST: "WHO safety checklist",
    Step.OPERATIVE_RECORD: "Operative record signed",
    Step.AFTERCARE_PLAN: "Aftercare plan issued",
    Step.FOLLOW_UP: "Follow-up",
}

# What the next-step button says for each step.
_ACTIONS = {
    Step.RADIOGRAPHS: "Measure the radiograph",
    Step.ASSESSMENT: "Record the assessment",
    Step.PLAN: "Make the plan",
    Step.CONSENT: "Prepare the consent sheet",
    Step.CHECKLIST: "Complete the safety checklist",
    Step.OPERATIVE_RECORD: "Write and sign the operative record",
    Step.AFTERCARE_PLAN: "Issue the aftercare plan",
    Step.FOLLOW_UP: "Review follow-up",
}
# What it says once the step is under way.
_CONTINUE = {
    Step.RADIOGRAPHS: "Place the landmarks",
    Step.CONSENT: "Record the consent signature",
    Step.CHECKLIST: "Continue the safety checklist",
    Step.OPERATIVE_RECORD: "Sign the operative record",
}


@dataclass(frozen=True)
class Stamp:
    """Who recorded something (their full name) and when."""

    by: str
    at: dt.datetime | dt.date


@dataclass(frozen=True)
class Snapshot:
    """What has been recorded for one episode, as far as the journey needs it."""

    status: EpisodeStatus
    films: int = 0
    first_film: Stamp | None = None
    measured: Stamp | None = None
    assessment: Stamp | None = None
    plan: Stamp | None = None
    consent: Stamp | None = None  # a sheet prepared
    consent_signed: Stamp | None = None  # the patient's signature recorded (DOMAIN §8)
    checklist_phases: Mapping[str, Stamp] = field(default_factory=dict)
    record_written: Stamp | None = None
    record_signed: Stamp | None = None
    aftercare_plan: Stamp | None = None
    first_check_in: Stamp | None = None
    follow_up_started: Stamp | None = None
    discharged: Stamp | None = None


@dataclass(frozen=True)
class Part:
    """One phase of a step with parts (the checklist's Sign In, Time Out, Sign Out)."""

    key: str
    label: str
    state: State
    stamp: Stamp | None = None


@dataclass(frozen=True)
class StepState:
    step: Step
    state: State
    stamp: Stamp | None = None
    detail: str = ""
    parts: tuple[Part, ...] = ()

    @property
    def key(self) -> str:
        return self.step.value

    @property
    def label(self) -> str:
        return self.step.label

    @property
    def action(self) -> str:
        if self.state == State.IN_PROGRESS and self.step in _CONTINUE:
            return _CONTINUE[self.step]
        return _ACTIONS[self.step]

    @property
    def done(self) -> bool:
        return self.state == State.DONE


@dataclass(frozen=True)
class Journey:
    steps: tuple[StepState, ...]
    next_step: StepState | None

    def step(self, step: Step) -> StepState:
        return next(s for s in self.steps if s.step == step)


def _simple(step: Step, done: Stamp | None, started: Stamp | None = None) -> StepState:
    if done is not None:
        return StepState(step, State.DONE, done)
    if started is not None:
        return StepState(step, State.IN_PROGRESS, started)
    return StepState(step, State.NOT_STARTED)


def _checklist(phases: Mapping[str, Stamp]) -> StepState:
    parts = tuple(
        Part(
            p.value,
            p.short_label,
            State.DONE if p.value in phases else State.NOT_STARTED,
            phases.get(p.value),
        )
        for p in Phase
    )
    done = [part for part in parts if part.state == State.DONE]
    if len(done) == len(parts):
        return StepState(Step.CHECKLIST, State.DONE, done[-1].stamp, parts=parts)
    if done:
        open_ = ", ".join(part.label for part in parts if part.state != State.DONE)
        return StepState(
            Step.CHECKLIST, State.IN_PROGRESS, done[-1].stamp, detail=f"{open_} open", parts=parts
        )
    return StepState(Step.CHECKLIST, State.NOT_STARTED, parts=parts)


def _radiographs(snapshot: Snapshot) -> StepState:
    if snapshot.measured is not None:
        return StepState(Step.RADIOGRAPHS, State.DONE, snapshot.measured)
    if snapshot.films:
        films = "1 film" if snapshot.films == 1 else f"{snapshot.films} films"
        return StepState(
            Step.RADIOGRAPHS,
            State.IN_PROGRESS,
            snapshot.first_film,
            detail=f"{films} uploaded, landmarks not placed",
        )
    return StepState(Step.RADIOGRAPHS, State.NOT_STARTED)


def _follow_up(snapshot: Snapshot) -> StepState:
    if snapshot.status == EpisodeStatus.DISCHARGED and snapshot.record_signed is not None:
        return StepState(Step.FOLLOW_UP, State.DONE, snapshot.discharged)
    started = snapshot.first_check_in or snapshot.follow_up_started
    if started is not None or snapshot.status == EpisodeStatus.FOLLOW_UP:
        return StepState(Step.FOLLOW_UP, State.IN_PROGRESS, started)
    return StepState(Step.FOLLOW_UP, State.NOT_STARTED)


def first_candidate(status: EpisodeStatus) -> int:
    """Where the search for the next step starts: once the foot is operated,
    a pre-operative step left blank is a gap in the record, not the work to do next."""
    if status in (EpisodeStatus.OPERATED, EpisodeStatus.FOLLOW_UP):
        return list(Step).index(Step.OPERATIVE_RECORD)
    return 0


def journey(snapshot: Snapshot) -> Journey:
    """Every step's state and the next step: the first one not done, in order
    (from the operative record on, once the foot is operated).

    A discharged episode has no next step (its care is closed, DOMAIN §1);
    neither has one whose follow-up is under way (the check-ins carry it).
    """
    steps = (
        _radiographs(snapshot),
        _simple(Step.ASSESSMENT, snapshot.assessment),
        _simple(Step.PLAN, snapshot.plan),
        _simple(Step.CONSENT, snapshot.consent_signed, snapshot.consent),
        _checklist(snapshot.checklist_phases),
        _simple(Step.OPERATIVE_RECORD, snapshot.record_signed, snapshot.record_written),
        _simple(Step.AFTERCARE_PLAN, snapshot.aftercare_plan),
        _follow_up(snapshot),
    )
    next_step = None
    if snapshot.status != EpisodeStatus.DISCHARGED:
        next_step = next((s for s in steps[first_candidate(snapshot.status) :] if not s.done), None)
        if next_step is not None and next_step.step == Step.FOLLOW_UP:
            next_step = None if next_step.state == State.IN_PROGRESS else next_step
    return Journey(steps, next_step)


@dataclass(frozen=True)
class DueItem:
    """A dated item of an aftercare plan (core.pathway.PlanItem, as far as a list needs it)."""

    title: str
    starts_on: dt.date


def next_due(items: Iterable[DueItem], today: dt.date) -> DueItem | None:
    """The first item due on or after ``today`` (the earliest; ties keep plan order)."""
    upcoming = [item for item in items if item.starts_on >= today]
    return min(upcoming, key=lambda item: item.starts_on, default=None)
