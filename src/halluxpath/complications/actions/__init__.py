"""Every write of the complications register (STYLE.md: one action per write).

``register``: record, amend and mark entered in error. ``recurrence``:
propose from a measured film, confirm or reject.
"""

from halluxpath.complications.actions.recurrence import (
    confirm_recurrence,
    propose_recurrence,
    reject_recurrence,
)
from halluxpath.complications.actions.register import (
    amend_complication,
    mark_entered_in_error,
    record_complication,
)

__all__ = [
    "amend_complication",
    "confirm_recurrence",
    "mark_entered_in_error",
    "propose_recurrence",
    "record_complication",
    "reject_recurrence",
]
