"""Every write of questionnaires: validate, write in one transaction, audit."""

from halluxpath.outcomes.actions.calls import note_call
from halluxpath.outcomes.actions.instruments import load_instrument
from halluxpath.outcomes.actions.responses import (
    complete_response,
    enter_paper_forms,
    enter_paper_response,
    save_answer,
    save_answers,
    site_today,
)
from halluxpath.outcomes.actions.schedule import set_schedule

__all__ = [
    "complete_response",
    "enter_paper_forms",
    "enter_paper_response",
    "load_instrument",
    "note_call",
    "save_answer",
    "save_answers",
    "set_schedule",
    "site_today",
]
