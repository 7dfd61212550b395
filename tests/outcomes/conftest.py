"""An operated patient with a portal account, and the site's licensed files loaded."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from halluxpath.accounts.models import Role
from halluxpath.aftercare.models import AftercarePlan
from halluxpath.audit.context import Actor
from halluxpath.outcomes.actions import load_instrument
from halluxpath.outcomes.schemas import InstrumentFile
from halluxpath.patients.models import Episode
from tests.conftest import Clinic
from tests.outcomes.definitions import eq5d_file, moxfq_file


def site_today(episode: Episode) -> dt.date:
    return timezone.now().astimezone(episode.patient.site.zone).date()


def operated(episode: Episode, days_ago: int) -> Episode:
    """Give the episode an operation ``days_ago`` days before today (its aftercare plan)."""
    AftercarePlan.objects.update_or_create(
        episode=episode,
        defaults={
            "template": "Test",
            "template_version": 1,
            "operated_on": site_today(episode) - dt.timedelta(days=days_ago),
            "options": {},
            "items": [],
            "issued_by": episode.responsible_surgeon,
        },
    )
    return episode


def load_files(clinic: Clinic) -> None:
    admin = Actor(clinic.user(Role.ADMIN))
    for file in (moxfq_file(), eq5d_file()):
        load_instrument(admin, InstrumentFile(definition_text=json.dumps(file)))


@pytest.fixture
def episode(clinic: Clinic) -> Episode:
    """Patient A (with a portal account), operated 182 days ago: the 6-month window is open."""
    patient = clinic.patient_a
    patient.email = "ada@example.org"
    patient.save()
    load_files(clinic)
    return operated(patient.episodes.get(), 182)
