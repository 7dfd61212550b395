"""Putting reminders into the outbox from the plans: idempotent; cancels what is not wanted."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from halluxpath.accounts.models import Role
from halluxpath.aftercare.actions import adjust_item, issue_plan, submit_check_in
from halluxpath.aftercare.models import CheckIn
from halluxpath.aftercare.schemas import CheckInInput, PlanIssue, PlanItemAdjustment
from halluxpath.audit.context import Actor
from halluxpath.patients.models import Episode
from halluxpath.reminders.models import OutboxMessage, Status
from halluxpath.reminders.schedule import schedule
from tests.conftest import Clinic

LONDON = zoneinfo.ZoneInfo("Europe/London")
OPERATED = dt.date(2026, 11, 2)
NOW = dt.datetime(2026, 11, 9, 8, 0, tzinfo=LONDON)  # day 7, before the 10:00 reminders


def with_plan(clinic: Clinic, email: str = "ada@example.org", phone: str = "") -> Episode:
    patient = clinic.patient_a
    patient.email, patient.phone = email, phone
    patient.save()
    episode = patient.episodes.get()
    issue_plan(
        Actor(clinic.user(Role.NURSE)),
        episode.pk,
        PlanIssue(operated_on=OPERATED),
    )
    return episode


def keys(status: str = Status.PENDING) -> set[str]:
    return set(OutboxMessage.objects.filter(status=status).values_list("dedup_key", flat=True))


def test_the_next_days_reminders_are_queued_once(clinic: Clinic) -> None:
    episode = with_plan(clinic)
    first = schedule(NOW)
    assert first.created == len(keys()) > 0
    assert schedule(NOW).created == 0  # a second run adds nothing
    e = episode.pk
    assert f"appointment:{e}:visit-2w:2026-11-16:day:-7d" in keys()
    assert f"appointment:{e}:visit-2w:2026-11-16:day:-1d" in keys()
    assert {f"check_in:{e}:2026-11-{d:02d}" for d in range(9, 17)} <= keys()
    message = OutboxMessage.objects.get(dedup_key=f"check_in:{e}:2026-11-09")
    assert message.due_at == dt.datetime(2026, 11, 9, 10, tzinfo=LONDON)
    assert (message.channel, message.recipient) == ("email", "ada@example.org")
    assert "http://127.0.0.1:8000/me/check-in/" in message.body


def test_a_check_in_already_sent_cancels_that_days_prompt(clinic: Clinic) -> None:
    episode = with_plan(clinic)
    schedule(NOW)
    submit_check_in(
        Actor(clinic.user(Role.PATIENT)),
        episode.pk,
        CheckInInput(pain_score=3, temperature_c=36.8),
    )
    CheckIn.objects.update(submitted_at=NOW)
    result = schedule(NOW)
    assert result.cancelled == 1
    assert keys(Status.CANCELLED) == {f"check_in:{episode.pk}:2026-11-09"}


def test_a_booked_visit_replaces_its_reminders(clinic: Clinic) -> None:
    episode = with_plan(clinic)
    schedule(NOW)
    plan = episode.aftercare_plan
    adjust_item(
        Actor(clinic.user(Role.NURSE)),
        episode.pk,
        plan.version,
        PlanItemAdjustment(
            item_key="visit-2w",
            starts_on=dt.date(2026, 11, 17),
            instructions="Wound check; stitches out.",
            reason="Booked",
            time=dt.time(14, 30),
            place="Room 4",
        ),
    )
    schedule(NOW)
    e = episode.pk
    assert f"appointment:{e}:visit-2w:2026-11-16:day:-1d" in keys(Status.CANCELLED)
    booked = OutboxMessage.objects.get(dedup_key=f"appointment:{e}:visit-2w:2026-11-17:1430:-1d")
    assert "Tuesday 17 November at 14:30 (Room 4)" in booked.body


def test_no_address_no_reminders_and_sms_when_only_a_phone(clinic: Clinic) -> None:
    with_plan(clinic, email="")
    result = schedule(NOW)
    assert (result.created, result.no_contact) == (0, 1)
    clinic.patient_a.phone = "07700 900123"
    clinic.patient_a.save()
    schedule(NOW)
    assert set(OutboxMessage.objects.values_list("channel", flat=True)) == {"sms"}


def test_patients_without_a_portal_account_get_no_check_in_prompts(clinic: Clinic) -> None:
    episode = with_plan(clinic)
    clinic.patient_a.user = None
    clinic.patient_a.save()
    schedule(NOW)
    assert keys()
    assert not any(k.startswith("check_in:") for k in keys())
    assert episode.pk


def test_discharge_cancels_what_is_still_waiting(clinic: Clinic) -> None:
    """Appointments and check-ins stop; the questionnaires go on (outcomes, to 24 months)."""
    episode = with_plan(clinic)
    schedule(NOW)
    Episode.objects.filter(pk=episode.pk).update(status="discharged")
    schedule(NOW)
    assert {k for k in keys() if not k.startswith("questionnaire:")} == set()


def test_schedule_uses_the_clinic_zone(clinic: Clinic) -> None:
    """The patient's site's zone and reminder hour (sites.Site), not the server's."""
    site = clinic.patient_a.site
    site.time_zone = "Pacific/Auckland"
    site.save()
    with_plan(clinic)
    evening_utc = dt.datetime(2026, 11, 9, 23, 30, tzinfo=dt.UTC)  # 12:30 on the 10th there
    schedule(evening_utc)
    auckland = zoneinfo.ZoneInfo("Pacific/Auckland")
    first = min(OutboxMessage.objects.values_list("due_at", flat=True)).astimezone(auckland)
    assert (first.date(), first.hour) == (dt.date(2026, 11, 10), 10)


def test_a_corrected_address_applies_to_reminders_still_waiting(clinic: Clinic) -> None:
    with_plan(clinic, email="ada@exmaple.org")  # a typo
    schedule(NOW)
    clinic.patient_a.email = "ada@example.org"
    clinic.patient_a.save()
    schedule(NOW)
    assert set(OutboxMessage.objects.values_list("recipient", flat=True)) == {"ada@example.org"}


def test_rows_queued_by_other_code_are_left_alone(clinic: Clinic) -> None:
    from tests.reminders.conftest import make_messages

    episode = with_plan(clinic)
    make_messages(episode, 2, due=NOW + dt.timedelta(hours=3), prefix="outcomes")
    schedule(NOW)
    assert {"outcomes:0", "outcomes:1"} <= keys()


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("auto", {("email", "ada@example.org")}),
        ("email", {("email", "ada@example.org")}),
        ("sms", {("sms", "07700 900123")}),
        ("none", set()),
    ],
)
def test_the_patients_choice_of_reminders_is_followed(
    clinic: Clinic, choice: str, expected: set[tuple[str, str]]
) -> None:
    with_plan(clinic, phone="07700 900123")
    schedule(NOW)  # queued while the choice was "auto"
    clinic.patient_a.reminders = choice
    clinic.patient_a.save()
    schedule(NOW)
    waiting = OutboxMessage.objects.filter(status=Status.PENDING)
    assert set(waiting.values_list("channel", "recipient")) == expected
