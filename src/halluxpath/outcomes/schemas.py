"""Typed inputs of the questionnaire actions (the pages hand them over; nothing else).

Answers are a number, ``"na"`` (not applicable, where the item allows it) or
None (left unanswered); the action checks each against its item's range.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Answer = float | Literal["na"] | None


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class InstrumentFile(Frozen):
    """A site's licensed definition file (JSON text) and, for EQ-5D-5L, its value set (CSV)."""

    definition_text: str = Field(max_length=2_000_000)
    value_set_text: str = Field(default="", max_length=2_000_000)
    site_slug: str = ""  # the command line names the site; a page uses the admin's own


class QuestionnaireKey(Frozen):
    """Which questionnaire: an episode's instrument at one time point."""

    episode_id: int
    instrument: str = Field(max_length=40)
    time_point: str = Field(max_length=10)


class AnswerInput(QuestionnaireKey):
    item: str = Field(max_length=40)
    value: Answer = None


class AnswerSets(Frozen):
    """A patient's answers to a time point's questionnaires: instrument -> item -> answer."""

    episode_id: int
    time_point: str = Field(max_length=10)
    forms: dict[str, dict[str, Answer]]
    send: bool = False


class PaperResponse(QuestionnaireKey):
    """A paper form typed in by staff: every answer at once, and the day it was filled in."""

    completed_on: dt.date
    answers: dict[str, Answer]


class CallNote(Frozen):
    episode_id: int
    time_point: str = Field(max_length=10)
    note: str = Field(default="", max_length=500)


class TimePointInput(Frozen):
    key: str = Field(max_length=10)
    opens_days: int = Field(ge=-3650, le=3650)
    closes_days: int = Field(ge=-3650, le=3650)
    instruments: tuple[str, ...] = ()


class ScheduleInput(Frozen):
    """A site's questionnaire schedule: each time point's window and instruments."""

    time_points: tuple[TimePointInput, ...]


class PaperForms(Frozen):
    """A time point's paper forms typed in by staff: instrument -> item -> answer."""

    episode_id: int
    time_point: str = Field(max_length=10)
    completed_on: dt.date
    forms: dict[str, dict[str, Answer]]
