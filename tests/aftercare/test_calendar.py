"""The visits as an iCalendar file and a private, revocable feed (parsed back with icalendar)."""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from halluxpath.accounts.models import Role
from halluxpath.aftercare.actions import issue_plan
from halluxpath.aftercare.schemas import PlanIssue
from halluxpath.audit.context import Actor
from tests.conftest import Clinic

OPERATED = dt.date(2026, 11, 2)


def with_plan(clinic: Clinic) -> None:
    issue_plan(
        Actor(clinic.user(Role.NURSE)),
        clinic.patient_a.episodes.get().pk,
        PlanIssue(operated_on=OPERATED),
    )


def events(data: bytes) -> dict[str, dt.date]:
    calendar = Calendar.from_ical(data)
    return {str(e["summary"]): e.decoded("dtstart") for e in calendar.walk("VEVENT")}


def test_the_ics_file_holds_every_visit_as_an_all_day_event(clinic: Clinic, client: Client) -> None:
    with_plan(clinic)
    client.force_login(clinic.user(Role.PATIENT))
    response = client.get(reverse("aftercare:calendar"))
    assert response["Content-Type"].startswith("text/calendar")
    found = events(response.content)
    assert found["Wound check (about 2 weeks)"] == OPERATED + dt.timedelta(days=14)
    assert found["X-ray and review (about 6 weeks)"] == OPERATED + dt.timedelta(days=42)
    assert len(found) == 5  # 2 w, 6 w, 3, 6 and 12 months
    uids = [str(e["uid"]) for e in Calendar.from_ical(response.content).walk("VEVENT")]
    assert len(set(uids)) == len(uids)


def test_the_private_feed_works_until_revoked_and_a_new_one_replaces_it(
    clinic: Clinic, client: Client
) -> None:
    with_plan(clinic)
    client.force_login(clinic.user(Role.PATIENT))
    page = client.post(reverse("aftercare:calendar_feed"), {"action": "new"}).content.decode()
    first = re.search(r'value="(http[^"]+\.ics)"', page)
    assert first is not None
    anonymous = Client()
    assert len(events(anonymous.get(first.group(1)).content)) == 5
    page = client.post(reverse("aftercare:calendar_feed"), {"action": "new"}).content.decode()
    second = re.search(r'value="(http[^"]+\.ics)"', page)
    assert second is not None
    assert anonymous.get(first.group(1)).status_code == 410  # the old address stopped
    assert anonymous.get(second.group(1)).status_code == 200
    client.post(reverse("aftercare:calendar_feed"), {"action": "revoke"})
    assert anonymous.get(second.group(1)).status_code == 410


def test_an_unknown_feed_address_reveals_nothing(db: None) -> None:
    response = Client().get(reverse("aftercare:feed", args=["guess"]))
    assert response.status_code == 410
    assert b"VEVENT" not in response.content


def test_staff_cannot_use_the_patient_calendar_pages(clinic: Clinic, client: Client) -> None:
    client.force_login(clinic.user(Role.NURSE))
    assert client.get(reverse("aftercare:calendar")).status_code == 403
