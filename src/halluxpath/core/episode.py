"""The life of an episode of care and the steps it may take.

An episode is one foot's course of care from referral to discharge:

    referred -> assessed -> planned -> operated -> follow_up -> discharged

Only the forward step to the next stage is allowed, plus discharge from any
stage before the operation (the patient declines surgery, or surgery is not
indicated: DOMAIN §1 R-IND-1, R-IND-2). An operated foot is discharged only
through follow-up, so the outcome record (DOMAIN §14) is never skipped.
There is no way back: a wrong step is corrected by the audit trail and a new
note, not by rewriting history.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from halluxpath.core.vocabulary import Labelled

# The usual diagnosis of an episode (DOMAIN §15: ICD-10 M20.1, verified).
DEFAULT_DIAGNOSIS = "Hallux valgus (acquired), ICD-10 M20.1"


class Side(Labelled):
    """The foot an episode treats (DOMAIN §16: laterality of the Condition and Procedure)."""

    LEFT = "left", "Left"
    RIGHT = "right", "Right"


class Sex(Labelled):
    """FHIR R4 administrative gender (DOMAIN §16, Patient.gender)."""

    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Unknown"


class EpisodeStatus(enum.StrEnum):
    REFERRED = "referred"
    ASSESSED = "assessed"
    PLANNED = "planned"
    OPERATED = "operated"
    FOLLOW_UP = "follow_up"
    DISCHARGED = "discharged"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    EpisodeStatus.REFERRED: "Referred",
    EpisodeStatus.ASSESSED: "Assessed",
    EpisodeStatus.PLANNED: "Planned",
    EpisodeStatus.OPERATED: "Operated",
    EpisodeStatus.FOLLOW_UP: "Follow-up",
    EpisodeStatus.DISCHARGED: "Discharged",
}

ALLOWED_TRANSITIONS: dict[EpisodeStatus, tuple[EpisodeStatus, ...]] = {
    EpisodeStatus.REFERRED: (EpisodeStatus.ASSESSED, EpisodeStatus.DISCHARGED),
    EpisodeStatus.ASSESSED: (EpisodeStatus.PLANNED, EpisodeStatus.DISCHARGED),
    EpisodeStatus.PLANNED: (EpisodeStatus.OPERATED, EpisodeStatus.DISCHARGED),
    EpisodeStatus.OPERATED: (EpisodeStatus.FOLLOW_UP,),
    EpisodeStatus.FOLLOW_UP: (EpisodeStatus.DISCHARGED,),
    EpisodeStatus.DISCHARGED: (),
}


class TransitionRefused(ValueError):
    """A status change that the episode's life does not allow."""


@dataclass(frozen=True)
class Transition:
    from_status: EpisodeStatus
    to_status: EpisodeStatus


def next_statuses(current: EpisodeStatus) -> tuple[EpisodeStatus, ...]:
    """The statuses an episode in ``current`` may move to, in display order."""
    return ALLOWED_TRANSITIONS[current]


def check_transition(current: str, target: str) -> Transition:
    """Return the transition, or raise ``TransitionRefused`` saying why not."""
    try:
        from_status = EpisodeStatus(current)
    except ValueError:
        raise TransitionRefused(f"unknown current status {current!r}") from None
    try:
        to_status = EpisodeStatus(target)
    except ValueError:
        raise TransitionRefused(f"unknown status {target!r}") from None
    if to_status == from_status:
        raise TransitionRefused(f"the episode is already {from_status.label.lower()}")
    allowed = ALLOWED_TRANSITIONS[from_status]
    if to_status not in allowed:
        if not allowed:
            raise TransitionRefused("a discharged episode is closed; open a new episode instead")
        names = " or ".join(s.label.lower() for s in allowed)
        raise TransitionRefused(
            f"an episode that is {from_status.label.lower()} can only become {names}, "
            f"not {to_status.label.lower()}"
        )
    return Transition(from_status, to_status)


# The main line of care, in order; discharge from before the operation is a
# side exit, not a step on it.
MAIN_LINE: tuple[EpisodeStatus, ...] = (
    EpisodeStatus.REFERRED,
    EpisodeStatus.ASSESSED,
    EpisodeStatus.PLANNED,
    EpisodeStatus.OPERATED,
    EpisodeStatus.FOLLOW_UP,
    EpisodeStatus.DISCHARGED,
)


# A status the work may not pass through on the way to a later one: an
# episode is operated only when its operative record is signed (DOMAIN §5).
REACHED_ONLY_BY_ITS_OWN_WORK = frozenset({EpisodeStatus.OPERATED})


def forward_path(current: str, target: str) -> tuple[Transition, ...]:
    """The allowed steps that take an episode from ``current`` forward to ``target``.

    Used when the work itself moves the episode (a plan saved makes it planned):
    each step is one the rules above allow, taken in order, so a referred
    episode whose plan is saved passes through assessed. An episode already at
    or past ``target``, or discharged, has no path: the answer is empty and the
    episode never moves backwards. Nor is the operation ever passed on the way
    (``REACHED_ONLY_BY_ITS_OWN_WORK``): a check-in for a foot whose operative
    record is not signed leaves it where it is. Unknown statuses raise
    ``TransitionRefused``.
    """
    try:
        position = MAIN_LINE.index(EpisodeStatus(current))
        goal = MAIN_LINE.index(EpisodeStatus(target))
    except ValueError:
        raise TransitionRefused(f"unknown status {current!r} or {target!r}") from None
    steps = [
        check_transition(MAIN_LINE[i].value, MAIN_LINE[i + 1].value) for i in range(position, goal)
    ]
    if any(step.to_status in REACHED_ONLY_BY_ITS_OWN_WORK for step in steps[:-1]):
        return ()
    return tuple(steps)
