"""The clinic's numbers and address wherever the patient is told to contact it (issue 12 item 7).

From the patient's site (sites.Site); a site without a number says "contact
the clinic" plainly instead of printing a blank.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from halluxpath.accounts.models import Role
from halluxpath.aftercare import plan_pdf
from halluxpath.aftercare.actions import issue_plan
from halluxpath.aftercare.schemas import PlanIssue
from halluxpath.audit.context import Actor
from halluxpath.reminders.models import OutboxMessage
from halluxpath.reminders.schedule import schedule
from tests.aftercare.test_documents import pdf_text
from tests.conftest import Clinic

IN_HOURS, OUT_OF_HOURS = "01632 960123", "+44 1632 960999"
ADDRESS = "Foot Clinic, Level 2\nTest Hospital, Testford TE1 1ST"


@pytest.fixture
def numbered(clinic: Clinic) -> Clinic:
    site = clinic.patient_a.site
    site.phone_in_hours, site.phone_out_of_hours, site.address = IN_HOURS, OUT_OF_HOURS, ADDRESS
    site.save()
    return clinic


def _plan(clinic: Clinic, operated_on: dt.date | None = None) -> None:
    issue_plan(
        Actor(clinic.user(Role.NURSE)),
        clinic.patient_a.episodes.get().pk,
        PlanIssue(operated_on=operated_on or timezone.localdate() - dt.timedelta(days=5)),
    )


def test_the_check_in_result_and_today_give_the_clinics_numbers(
    numbered: Clinic, client: Client
) -> None:
    _plan(numbered)
    client.force_login(numbered.user(Role.PATIENT))
    result = client.post(
        reverse("aftercare:check_in"),
        {"pain_score": "3", "discharge": "none", "bleeding": "none", "numbness": "none"}
        | {"calf_pain_or_swelling": "on"},
        follow=True,
    ).content.decode()
    assert "Contact the clinic today" in result
    assert f'href="tel:01632960123"><strong>{IN_HOURS}</strong>' in result
    assert f'href="tel:+441632960999"><strong>{OUT_OF_HOURS}</strong>' in result
    assert "Test Hospital, Testford" in result
    today = client.get(reverse("aftercare:today")).content.decode()
    assert f"phone the clinic on {IN_HOURS} (out of hours: {OUT_OF_HOURS})" in today
    assert "Level 2" in today


def test_without_numbers_the_pages_say_contact_the_clinic_and_print_no_blank(
    clinic: Clinic, client: Client
) -> None:
    _plan(clinic)
    client.force_login(clinic.user(Role.PATIENT))
    result = client.post(
        reverse("aftercare:check_in"),
        {"pain_score": "3", "discharge": "none", "bleeding": "none", "numbness": "none"}
        | {"calf_pain_or_swelling": "on"},
        follow=True,
    ).content.decode()
    assert "To talk to them now, contact the clinic." in result
    assert "Out of hours, call NHS 111." in result
    assert 'href="tel:"' not in result
    assert "phone the clinic on" not in result
    today = client.get(reverse("aftercare:today")).content.decode()
    assert "Contact the clinic as you were told" in today
    assert 'href="tel:"' not in today


def test_the_leaflet_prints_the_numbers_and_address(numbered: Clinic) -> None:
    _plan(numbered)
    plan = numbered.patient_a.episodes.get().aftercare_plan
    text = pdf_text(plan_pdf.render(plan, numbered.patient_a))
    assert f"phone the clinic on {IN_HOURS} (out of hours: {OUT_OF_HOURS})" in text
    assert f"In working hours: {IN_HOURS}" in text
    assert "Test Hospital, Testford TE1 1ST" in text


def test_an_appointment_reminder_gives_the_number_to_call(numbered: Clinic) -> None:
    patient = numbered.patient_a
    patient.email = "ada@example.org"
    patient.save()
    _plan(numbered, operated_on=dt.date(2026, 11, 2))
    schedule(dt.datetime(2026, 11, 9, 8, 0, tzinfo=dt.UTC))  # 7 days before the 2-week visit
    reminders = OutboxMessage.objects.filter(kind="appointment")
    assert reminders.exists()
    for reminder in reminders:
        assert (
            f"please call the clinic on {IN_HOURS} (out of hours {OUT_OF_HOURS})" in reminder.body
        )
