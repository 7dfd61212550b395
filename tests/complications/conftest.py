"""Fixtures for the complications tests: an operated episode, its films and their readings."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import pytest

from halluxpath.accounts.models import Role, User
from halluxpath.audit.context import Actor
from halluxpath.core.landmarks import landmarks_from_document
from halluxpath.core.radiograph import TimePoint
from halluxpath.imaging import actions as imaging_actions
from halluxpath.imaging.models import Measurement, Radiograph, SourceFormat
from halluxpath.patients.models import Episode
from halluxpath.surgery.models import OperativeRecord
from tests.conftest import Clinic

OPERATED_ON = dt.date(2026, 2, 2)


def landmarks_with_hva(hva_deg: float) -> dict[str, Any]:
    """A landmark set whose HVA is ``hva_deg`` (M1 vertical, P1 turned by the angle)."""
    turn = math.radians(hva_deg)
    px, py = 660.0, 1000.0
    return {
        "schema": "halluxpath.landmarks/1",
        "points": {
            "m1_proximal": [600.0, 1800.0],
            "m1_distal": [600.0, 1200.0],
            "m2_proximal": [800.0, 1790.0],
            "m2_distal": [880.0, 1150.0],
            "p1_proximal": [px, py],
            "p1_distal": [px + 300 * math.sin(turn), py - 300 * math.cos(turn)],
        },
    }


@dataclass
class Operated:
    episode: Episode
    surgeon: User
    nurse: User
    physio: User

    @property
    def actor(self) -> Actor:
        return Actor(self.surgeon)

    def film(
        self, days_after: int, *, weight_bearing: bool = True, time_point: str = "6m"
    ) -> Radiograph:
        return Radiograph.objects.create(
            episode=self.episode,
            time_point=time_point,
            acquired_on=OPERATED_ON + dt.timedelta(days=days_after),
            weight_bearing=weight_bearing,
            source_format=SourceFormat.PNG,
            stored_file="radiographs/none.png",
            display_file="radiographs/none-display.png",
            sha256="0" * 64,
            width=1200,
            height=2000,
            uploaded_by=self.surgeon,
        )

    def measure(self, film: Radiograph, hva_deg: float, by: User | None = None) -> Measurement:
        film.refresh_from_db()
        return imaging_actions.save_measurement(
            Actor(by or self.surgeon),
            film.pk,
            film.version,
            landmarks_from_document(landmarks_with_hva(hva_deg)),
            confirm_implausible=True,
        )


@pytest.fixture
def operated(clinic: Clinic) -> Operated:
    episode = clinic.patient_a.episodes.get()
    surgeon = clinic.user(Role.SURGEON)
    OperativeRecord.objects.create(
        episode=episode, operated_on=OPERATED_ON, content={}, recorded_by=surgeon
    )
    return Operated(episode, surgeon, clinic.user(Role.NURSE), clinic.user(Role.PHYSIOTHERAPIST))


__all__ = ["OPERATED_ON", "Operated", "TimePoint", "landmarks_with_hva"]
