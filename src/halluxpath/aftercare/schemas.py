"""Typed inputs of the aftercare actions, shared by the pages' forms and the JSON API.

A form's ``cleaned_data`` and an API body are both turned into one of these
(``Schema.model_validate``) before an action sees them, so the two front
doors cannot drift apart. The vocabularies come from the clinical core
(core.triage answers, core.pathway_data categories); nothing here repeats them.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from halluxpath.core import triage
from halluxpath.core.pathway import Fixation, WorkKind
from halluxpath.core.pathway_data import LONGEST_DAY, Category, Condition


class Input(Schema):
    """A typed action input: immutable, and unknown fields are refused."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class CheckInInput(Input):
    """The patient's answers (the fields of core.triage.CheckIn but the day), a note, a token.

    The day since the operation is not an answer: the action works it out from
    the operative record.
    """

    pain_score: int
    pain_uncontrolled_or_rising: bool = False
    temperature_c: float | None = None
    feverish_or_shivering: bool = False
    sepsis_signs: bool = False
    breathless_or_chest_pain: bool = False
    calf_pain_or_swelling: bool = False
    redness_spreading: bool = False
    discharge: triage.Discharge = triage.Discharge.NONE
    wound_open: bool = False
    bleeding: triage.Bleeding = triage.Bleeding.NONE
    toes_cold_or_discoloured: bool = False
    toes_better_after_elevation: bool | None = None
    numbness: triage.Numbness = triage.Numbness.NONE
    dressing_too_tight: bool = False
    k_wire_problem: bool = False
    fall_with_new_pain: bool = False
    vomiting_or_diarrhoea_over_24h: bool = False
    cannot_keep_fluids_down: bool = False
    rash_or_drug_reaction: bool = False
    face_swelling_or_breathing_difficulty: bool = False
    feels_seriously_wrong: bool = False
    medication: triage.Medication = triage.Medication.NOT_ANSWERED
    kept_foot_up: bool | None = None
    used_ice: bool | None = None
    free_text: str = Field(default="", max_length=2000)
    submission: str = Field(
        default="",
        pattern=r"^([0-9a-f]{32})?$",
        description="The form's one-time token: a second send of the same form is one check-in.",
    )

    def answers(self) -> dict[str, object]:
        """The triage answers alone (core.triage.ANSWER_FIELDS), as plain values."""
        return {name: _plain(getattr(self, name)) for name in triage.ANSWER_FIELDS}


def _plain(value: object) -> object:
    return str(value) if isinstance(value, str) else value


class PlanIssue(Input):
    """What a plan is built from besides the template and the stored records (DOMAIN §11)."""

    operated_on: dt.date
    fixation: Fixation = "screws"
    antibiotics_prescribed: bool = False
    vte_prophylaxis: bool = False
    automatic_car: bool | None = None
    template: str = Field(
        default="", description="Template name; empty for the shipped MIS pathway"
    )
    work: WorkKind | None = None


class PlanItemAdjustment(Input):
    """Move or reword one plan item; a follow-up visit may also get its booked time and place."""

    item_key: str = Field(max_length=40)
    starts_on: dt.date
    instructions: str = Field(max_length=1000)
    reason: str = Field(max_length=500)
    time: dt.time | None = None
    place: str = Field(default="", max_length=200)


class VisitBooking(Input):
    """The booked time and place of a follow-up visit (its day may move too)."""

    item_key: str = Field(max_length=40)
    time: dt.time
    place: str = Field(max_length=200)
    reason: str = Field(default="Visit booked", max_length=500)
    starts_on: dt.date | None = Field(default=None, description="The visit's day, if it moves")


class PathwayStep(Input):
    """One step of a pathway template as an admin writes it (core.pathway_data checks it)."""

    key: str = Field(max_length=40)
    category: Category
    title: str = Field(max_length=200)
    instructions: str = Field(max_length=1000)
    start_day: int = Field(ge=0, le=LONGEST_DAY)
    end_day: int | None = Field(default=None, ge=0, le=LONGEST_DAY)
    source: str = Field(max_length=200)
    only_if: Condition = ""


class PathwayVersion(Input):
    """A template's next version: all its steps and what changed and why."""

    steps: tuple[PathwayStep, ...]
    note: str = Field(max_length=500)


class StepEdit(Input):
    """Change one step (``replaces`` its key) or add one (no ``replaces``)."""

    step: PathwayStep
    note: str = Field(max_length=500)
    replaces: str = ""


class StepRemoval(Input):
    key: str
    note: str = Field(max_length=500)


class AlertAcknowledgement(Input):
    """What a clinician did about an alert (DOMAIN §12): a response and words beside it."""

    response: triage.TeamResponse = Field(
        description="called_patient, booked_review, seen_in_clinic, "
        "advised_emergency_department, advised_gp_or_111, no_action_needed or other"
    )
    note: str = Field(
        default="", max_length=500, description="Free text beside the response; needed for other"
    )


class InvitationSending(Input):
    """Send an invitation's link to the patient by e-mail or text message (the outbox)."""

    token: str = Field(max_length=200, description="The link's token, as shown once")
    channel: Literal["email", "sms"]


class InvitationAcceptance(Input):
    """A patient's new portal account, made from their one-time link."""

    token: str = Field(max_length=200)
    username: str = Field(max_length=150)
    password: str
