"""Who may see and change complications and recurrence proposals: whoever may see the episode.

Each record type is visible exactly when its episode is
(patients.access.visible_episodes); the clinical roles of the care team
(surgeons, nurses, administrators: ``may_change_clinical_records``) record and
amend complications; physiotherapists read them. Deciding a recurrence
proposal is a surgeon's call (``permissions.may_decide_recurrence``), asked by
the action. Views and actions read these records only through the helpers
below (docs/access.md).
"""

from __future__ import annotations

from django.db.models import QuerySet

from halluxpath.access import RecordAccess, register
from halluxpath.accounts.models import User
from halluxpath.audit.context import Actor
from halluxpath.complications.models import (
    Complication,
    ComplicationAmendment,
    RecurrenceProposal,
)
from halluxpath.patients.access import require_editor, visible_episodes

REFUSAL = "Your role can view complications but not record or change them."


def visible_complications(user: User) -> QuerySet[Complication]:
    return Complication.objects.select_related("episode").filter(episode__in=visible_episodes(user))


def visible_complication_amendments(user: User) -> QuerySet[ComplicationAmendment]:
    return ComplicationAmendment.objects.select_related("complication__episode").filter(
        complication__episode__in=visible_episodes(user)
    )


def visible_recurrence_proposals(user: User) -> QuerySet[RecurrenceProposal]:
    return RecurrenceProposal.objects.select_related("episode", "radiograph").filter(
        episode__in=visible_episodes(user)
    )


def _episode_patient_id(row: Complication | RecurrenceProposal) -> int:
    return row.episode.patient_id


def _amendment_patient_id(amendment: ComplicationAmendment) -> int:
    return amendment.complication.episode.patient_id


COMPLICATIONS = register(
    RecordAccess("complication", visible_complications, _episode_patient_id, refusal=REFUSAL)
)
COMPLICATION_AMENDMENTS = register(
    RecordAccess(
        "complication_amendment",
        visible_complication_amendments,
        _amendment_patient_id,
        refusal=REFUSAL,
    )
)
RECURRENCE_PROPOSALS = register(
    RecordAccess(
        "recurrence_proposal",
        visible_recurrence_proposals,
        _episode_patient_id,
        refusal="Your role can view recurrence proposals but not decide them.",
    )
)


def complication_editor(actor: Actor) -> User:
    """The acting user if their role may record and amend complications; else 403."""
    return require_editor(actor, REFUSAL)
