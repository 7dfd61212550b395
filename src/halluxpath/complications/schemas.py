"""Typed inputs of the complications actions, the same for the pages and (later) the API.

A form's cleaned data is validated into one of these (forms.typed_input).
The kind and the grading system are the core's enumerations
(core.complications); which grade belongs to which system, and the dates
against the operation and each other, are the actions' checks, because they
need the stored episode.
"""

from __future__ import annotations

from pydantic import Field

from halluxpath.core.complications import GradeSystem, Kind
from halluxpath.surgery.schemas import Input, PastDate


class ComplicationInput(Input):
    """What the care team records about one complication (issue 13 item 3, DOMAIN §7)."""

    kind: Kind
    description: str = Field(default="", max_length=300, description="Needed for kind 'other'")
    onset_on: PastDate
    grade_system: GradeSystem
    grade: str = Field(max_length=5, description="A grade of grade_system (never converted)")
    treatment: str = Field(default="", max_length=2000)
    reoperation: bool = False
    reoperated_on: PastDate | None = None
    reoperation_reason: str = Field(default="", max_length=500)
    implant_removed: bool = False
    resolved_on: PastDate | None = None


class NewComplicationInput(ComplicationInput):
    """A complication recorded for the first time, perhaps from a triage alert."""

    alert_id: int | None = Field(default=None, description="The triage alert it came from")


class ComplicationAmendmentInput(ComplicationInput):
    """A correction: the whole record as it should now read, and why."""

    reason: str = Field(max_length=500)


class EnteredInErrorInput(Input):
    """A complication recorded by mistake: kept, marked, and why."""

    reason: str = Field(max_length=500)


class ConfirmRecurrenceInput(Input):
    """The surgeon confirms a proposed recurrence and grades it (DOMAIN §7 systems)."""

    grade_system: GradeSystem
    grade: str = Field(max_length=5)
    treatment: str = Field(default="", max_length=2000)


class RejectRecurrenceInput(Input):
    """The surgeon rejects a proposed recurrence, saying why (e.g. a rotated film)."""

    reason: str = Field(max_length=500)
