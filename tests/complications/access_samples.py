"""One record of each complications type on a given episode, for the access-matrix test."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db.models import Model

from halluxpath.complications.models import (
    AMENDMENT_CHANGES,
    Complication,
    ComplicationAmendment,
    RecurrenceProposal,
)
from halluxpath.patients.models import Episode
from tests.imaging.access_samples import measurement


def complication(episode: Episode) -> Complication:
    return Complication.objects.create(
        episode=episode,
        kind="infection_superficial",
        onset_on=dt.date(2026, 11, 10),
        grade_system="clavien_dindo",
        grade="II",
        treatment="Oral antibiotics",
        recorded_by=episode.responsible_surgeon,
    )


def complication_amendment(episode: Episode) -> ComplicationAmendment:
    return ComplicationAmendment.objects.create(
        complication=complication(episode),
        changes=AMENDMENT_CHANGES.stamp({"grade": {"before": "I", "after": "II"}}),
        reason="Antibiotics were started after all",
        author=episode.responsible_surgeon,
    )


def recurrence_proposal(episode: Episode) -> RecurrenceProposal:
    film = measurement(episode)
    return RecurrenceProposal.objects.create(
        episode=episode,
        radiograph=film.radiograph,
        measurement=film,
        hva_deg=22.0,
        threshold_deg=15,
        days_after_operation=200,
    )


SAMPLES: dict[str, Callable[[Episode], Model]] = {
    "complication": complication,
    "complication_amendment": complication_amendment,
    "recurrence_proposal": recurrence_proposal,
}
