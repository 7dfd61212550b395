"""Plausible dates on the aftercare forms and API, and stored rows at the calendar's ends.

Issue 12 items 11 and 12: a plan issued with the operation on 0001-01-01 was
accepted and then killed the reminder worker; 9999-12-31 broke the plan PDF
and the calendar files. Dates are now refused outside 2000-01-01 to two years
ahead (core.pathway), and rows already stored with such dates still render.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from halluxpath.accounts.models import Role
from halluxpath.aftercare import stored
from halluxpath.aftercare.actions import issue_plan
from halluxpath.aftercare.models import AftercarePlan
from halluxpath.aftercare.schemas import PlanIssue
from halluxpath.audit.context import Actor
from halluxpath.reminders.schedule import schedule
from tests.api.problems import problem
from tests.conftest import Clinic


def _today() -> dt.date:
    return timezone.localdate()


def refused_dates() -> list[str]:
    today = dt.datetime.now(dt.UTC).date()
    return ["0001-01-01", "1999-12-31", (today + dt.timedelta(days=740)).isoformat(), "9999-12-31"]


@pytest.mark.parametrize("day", refused_dates())
def test_the_plan_form_refuses_an_implausible_operation_date(
    clinic: Clinic, client: Client, day: str
) -> None:
    episode = clinic.patient_a.episodes.get()
    client.force_login(clinic.user(Role.NURSE))
    response = client.post(
        reverse("aftercare:plan", args=[episode.pk]),
        {"issue": "1", "operated_on": day, "fixation": "screws"},
    )
    assert response.status_code == 200
    assert "The date of operation cannot be" in response.content.decode()
    assert not AftercarePlan.objects.exists()


@pytest.mark.parametrize("day", refused_dates())
def test_the_api_refuses_an_implausible_operation_date(
    clinic: Clinic, client: Client, day: str
) -> None:
    episode = clinic.patient_a.episodes.get()
    client.force_login(clinic.user(Role.NURSE))
    response = client.post(
        f"/api/v1/episodes/{episode.pk}/aftercare-plan",
        json.dumps({"operated_on": day}),
        content_type="application/json",
    )
    problem(response, 422, says="operated_on: The date of operation cannot be")
    assert not AftercarePlan.objects.exists()


@pytest.mark.parametrize("offset", ["earliest", "latest"])
def test_the_edges_of_the_range_are_accepted(clinic: Clinic, client: Client, offset: str) -> None:
    day = dt.date(2000, 1, 1) if offset == "earliest" else _today() + dt.timedelta(days=730)
    episode = clinic.patient_a.episodes.get()
    client.force_login(clinic.user(Role.NURSE))
    client.post(
        reverse("aftercare:plan", args=[episode.pk]),
        {"issue": "1", "operated_on": day.isoformat(), "fixation": "screws"},
    )
    assert AftercarePlan.objects.get().operated_on == day


@pytest.mark.parametrize("moved_by", [731, 10**6])
def test_an_item_cannot_move_beyond_two_years_after_the_operation(
    clinic: Clinic, client: Client, moved_by: int
) -> None:
    episode = clinic.patient_a.episodes.get()
    plan = issue_plan(Actor(clinic.user(Role.NURSE)), episode.pk, PlanIssue(operated_on=_today()))
    day = (
        "9999-12-31"
        if moved_by > 10**5
        else (plan.operated_on + dt.timedelta(days=moved_by)).isoformat()
    )
    client.force_login(clinic.user(Role.NURSE))
    page = client.post(
        reverse("aftercare:plan", args=[episode.pk]),
        {
            "adjust": "1",
            "version": str(plan.version),
            "item_key": "visit-2w",
            "starts_on": day,
            "instructions": "x",
            "reason": "y",
        },
        follow=True,
    )
    assert "within two years of the operation" in page.content.decode()
    api = client.patch(
        f"/api/v1/episodes/{episode.pk}/aftercare-plan/items",
        json.dumps(
            {
                "version": plan.version,
                "item_key": "visit-2w",
                "starts_on": day,
                "instructions": "x",
                "reason": "y",
            }
        ),
        content_type="application/json",
    )
    problem(api, 422)
    plan.refresh_from_db()
    assert plan.version == 1


def _stored_plan(clinic: Clinic, operated_on: dt.date, visit_on: dt.date) -> AftercarePlan:
    """A plan row as one stored before the date checks could hold it (written directly)."""
    item: dict[str, Any] = {
        "key": "visit-2w",
        "category": "follow_up",
        "title": "Wound check",
        "instructions": "Come to the clinic.",
        "starts_on": visit_on.isoformat(),
        "ends_on": None,
        "source": "DOMAIN §11.1",
        "time": "23:50",
        "place": "Clinic 3",
    }
    running = {**item, "key": "wb", "category": "weight_bearing", "time": None, "place": ""}
    running["ends_on"] = visit_on.isoformat()
    return AftercarePlan.objects.create(
        episode=clinic.patient_a.episodes.get(),
        template="MIS distal osteotomy with screws, day case",
        template_version=1,
        operated_on=operated_on,
        options=stored.PLAN_OPTIONS.stamp({"fixation": "screws", "risk_rules": []}),
        items=stored.PLAN_ITEMS.stamp(
            {"items": [running, item, {**item, "key": "visit-6w", "time": None}]}
        ),
        issued_by=clinic.user(Role.NURSE),
    )


@pytest.mark.parametrize(
    ("operated_on", "visit_on"),
    [
        (dt.date.max, dt.date.max),
        (dt.date.min, dt.date.min),
        (dt.date.min, dt.date.max),
    ],
)
def test_stored_plans_at_the_ends_of_the_calendar_still_render(
    clinic: Clinic, client: Client, operated_on: dt.date, visit_on: dt.date
) -> None:
    plan = _stored_plan(clinic, operated_on, visit_on)
    episode = plan.episode
    client.force_login(clinic.user(Role.NURSE))
    assert client.get(reverse("aftercare:plan", args=[episode.pk])).status_code == 200
    staff_pdf = client.get(reverse("aftercare:plan_pdf", args=[episode.pk]))
    assert staff_pdf.status_code == 200
    assert b"".join(staff_pdf.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    client.force_login(clinic.user(Role.PATIENT))
    for name in ("aftercare:today", "aftercare:timeline", "aftercare:documents"):
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("aftercare:document_plan", args=[episode.pk])).status_code == 200
    ics = client.get(reverse("aftercare:calendar"))
    assert ics.status_code == 200
    dates = [e.decoded("dtstart") for e in Calendar.from_ical(ics.content).walk("VEVENT")]
    assert len(dates) == 2
    feed = client.post(reverse("aftercare:calendar_feed"), {"action": "new"})
    token = feed.content.decode().split("/calendar/")[1].split(".ics")[0]
    assert client.get(reverse("aftercare:feed", args=[token])).status_code == 200
    result = schedule()  # the reminder schedule reads the same row without overflowing
    assert result.plans == 1


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_visit_cannot_be_booked_outside_the_plans_dates(
    clinic: Clinic, client: Client, day: str
) -> None:
    episode = clinic.patient_a.episodes.get()
    plan = issue_plan(Actor(clinic.user(Role.NURSE)), episode.pk, PlanIssue(operated_on=_today()))
    client.force_login(clinic.user(Role.NURSE))
    response = client.post(
        f"/api/v1/episodes/{episode.pk}/aftercare-plan/bookings",
        json.dumps(
            {
                "version": plan.version,
                "item_key": "visit-2w",
                "time": "10:30",
                "place": "Clinic 3",
                "starts_on": day,
            }
        ),
        content_type="application/json",
    )
    problem(response, 422, says="starts_on")
