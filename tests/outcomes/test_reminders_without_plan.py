"""An operated episode without an aftercare plan still gets its questionnaire messages.

Day 0 is the operative record's date (outcomes.questionnaires.day_zero); the
reminder scheduler used to go through aftercare plans only, so such an
episode was never chased. It gets no visit or check-in message (no plan).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from halluxpath.accounts.models import Role
from halluxpath.reminders.models import OutboxMessage, Status
from halluxpath.reminders.schedule import schedule
from halluxpath.surgery.models import OperativeRecord
from tests.conftest import Clinic


def test_questionnaire_messages_go_out_from_the_operative_record_alone(clinic: Clinic) -> None:
    patient = clinic.patient_a
    patient.email = "ada@example.org"
    patient.save()
    episode = patient.episodes.get()
    now = timezone.now()
    today = now.astimezone(patient.site.zone).date()
    OperativeRecord.objects.create(
        episode=episode,
        operated_on=today - dt.timedelta(days=152),  # the 6-month window opens today
        content={},
        recorded_by=clinic.user(Role.SURGEON),
    )
    first = schedule(now)
    pending = set(
        OutboxMessage.objects.filter(status=Status.PENDING).values_list("dedup_key", flat=True)
    )
    assert f"questionnaire:{episode.pk}:6m" in pending
    assert {k.split(":")[0] for k in pending} == {"questionnaire"}
    assert first.created == len(pending)
    assert schedule(now).created == 0  # a second run adds nothing


def test_no_portal_account_no_message(clinic: Clinic) -> None:
    patient = clinic.patient_a
    patient.email, patient.user = "ada@example.org", None
    patient.save()
    today = timezone.now().astimezone(patient.site.zone).date()
    OperativeRecord.objects.create(
        episode=patient.episodes.get(),
        operated_on=today - dt.timedelta(days=152),
        content={},
        recorded_by=clinic.user(Role.SURGEON),
    )
    schedule()
    assert not OutboxMessage.objects.exists()  # staff call them (outcomes.chasing.to_call)
