"""Typed inputs of the patient and episode actions, the same for the pages and the JSON API.

A form's cleaned data is validated into one of these and the API takes them as
request bodies, so both front doors hand an action the same thing. The
vocabularies are the core's (``core.episode``: side, sex, status) or the
model's own where they are not clinical (reminder choice). The actions still
run the model's own checks, so a value that bypassed the schema is refused
there with the same message.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.db.models import Model
from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field

from halluxpath.core.episode import EpisodeStatus, Sex, Side
from halluxpath.patients.models import Reminders


def _primary_key(value: object) -> object:
    """A form hands over the chosen row; the API its id. Both become the id."""
    return value.pk if isinstance(value, Model) else value


RowId = Annotated[int, BeforeValidator(_primary_key)]


class _Input(Schema):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PatientDetails(_Input):
    """Who the patient is and how to reach them (a new registration)."""

    hospital_number: str = Field(max_length=20)
    given_name: str = Field(max_length=100)
    family_name: str = Field(max_length=100)
    date_of_birth: dt.date
    sex: Sex
    phone: str = Field(default="", max_length=30)
    email: str = Field(default="", max_length=254)
    reminders: Reminders = Reminders.AUTO


class PatientChanges(_Input):
    """A change to a patient's details: only the fields given are changed."""

    hospital_number: str | None = Field(default=None, max_length=20)
    given_name: str | None = Field(default=None, max_length=100)
    family_name: str | None = Field(default=None, max_length=100)
    date_of_birth: dt.date | None = None
    sex: Sex | None = None
    phone: str | None = Field(default=None, max_length=30)
    email: str | None = Field(default=None, max_length=254)
    reminders: Reminders | None = None

    def given(self) -> dict[str, object]:
        """The fields the editor set, by name."""
        return {name: getattr(self, name) for name in self.model_fields_set}


class EpisodeDetails(_Input):
    """One foot's episode of care: which foot, why, and who is responsible."""

    side: Side
    diagnosis: str = Field(max_length=200)
    responsible_surgeon: RowId = Field(description="the responsible surgeon's user id")
    care_team: RowId = Field(description="the care team's id")
    referred_on: dt.date


class StatusChangeInput(_Input):
    """The next stage of care (core.episode decides which steps are allowed)."""

    to_status: EpisodeStatus
    note: str = Field(default="", max_length=500)
