"""Who may see and change radiographs and their readings: whoever may see their episode.

Built on the generic helper (halluxpath.access) and the episode rules in
patients.access, so the rules live in one place (docs/access.md).
"""

from __future__ import annotations

from django.db.models import QuerySet

from halluxpath.access import RecordAccess, register
from halluxpath.accounts.models import User
from halluxpath.imaging.models import Measurement, Radiograph
from halluxpath.patients.access import visible_episodes


def visible_radiographs(user: User) -> QuerySet[Radiograph]:
    return Radiograph.objects.filter(episode__in=visible_episodes(user)).select_related(
        "episode__patient"
    )


def visible_measurements(user: User) -> QuerySet[Measurement]:
    return Measurement.objects.filter(
        radiograph__episode__in=visible_episodes(user)
    ).select_related("radiograph__episode__patient", "observer")


def radiograph_patient_id(radiograph: Radiograph) -> int:
    return radiograph.episode.patient_id


def measurement_patient_id(measurement: Measurement) -> int:
    return measurement.radiograph.episode.patient_id


RADIOGRAPHS = register(
    RecordAccess(
        "radiograph",
        visible_radiographs,
        radiograph_patient_id,
        refusal="Your role can view this film but not change it.",
    )
)
MEASUREMENTS = register(
    RecordAccess(
        "measurement",
        visible_measurements,
        measurement_patient_id,
        refusal="Your role can view this reading but not change it.",
    )
)
