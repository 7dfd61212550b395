"""Issuing, adjusting and reading the aftercare plan."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from halluxpath.accounts.models import Role
from halluxpath.aftercare.models import AftercarePlan, PlanChange
from halluxpath.audit.context import Actor
from halluxpath.core.risk import Smoking
from halluxpath.surgery import actions as surgery_actions
from halluxpath.surgery.schemas import AssessmentInput
from tests.conftest import Clinic


def issue(client: Client, episode_id: int, **overrides: str) -> object:
    data = {
        "issue": "1",
        "operated_on": (timezone.localdate() - dt.timedelta(days=3)).isoformat(),
        "fixation": "screws",
        **overrides,
    }
    return client.post(reverse("aftercare:plan", args=[episode_id]), data, follow=True)


def test_a_plan_is_issued_with_the_patients_risk_modifiers(clinic: Clinic, client: Client) -> None:
    episode = clinic.patient_a.episodes.get()
    surgery_actions.save_assessment(
        Actor(clinic.user(Role.SURGEON)), episode.pk, None, AssessmentInput(smoking=Smoking.CURRENT)
    )
    client.force_login(clinic.user(Role.NURSE))
    response = issue(client, episode.pk, vte_prophylaxis="on")
    assert "Aftercare plan issued" in response.content.decode()  # type: ignore[attr-defined]
    plan = AftercarePlan.objects.get()
    keys = {item["key"] for item in plan.item_list}
    assert {"visit-2w", "visit-6w", "vte", "visit-1w"} <= keys  # early check: smoker
    assert "antibiotics" not in keys
    assert set(plan.options["risk_rules"]) == {"§6 age", "§6 smoking", "R-VTE-2"}


def test_an_adjustment_needs_a_reason_and_is_recorded(clinic: Clinic, client: Client) -> None:
    episode = clinic.patient_a.episodes.get()
    client.force_login(clinic.user(Role.NURSE))
    issue(client, episode.pk)
    plan = AftercarePlan.objects.get()
    url = reverse("aftercare:plan", args=[episode.pk])
    visit = next(i for i in plan.item_list if i["key"] == "visit-2w")
    moved = (dt.date.fromisoformat(visit["starts_on"]) + dt.timedelta(days=2)).isoformat()
    form = {
        "adjust": "1",
        "version": str(plan.version),
        "item_key": "visit-2w",
        "starts_on": moved,
        "instructions": visit["instructions"],
    }
    refused = client.post(url, form, follow=True)
    assert "nothing was changed" in refused.content.decode()
    client.post(url, {**form, "reason": "Clinic closed on the Monday"})
    plan.refresh_from_db()
    assert next(i for i in plan.item_list if i["key"] == "visit-2w")["starts_on"] == moved
    change = PlanChange.objects.get()
    assert change.reason == "Clinic closed on the Monday"
    assert change.before["starts_on"] == visit["starts_on"]
    stale = client.post(url, {**form, "reason": "again"}, follow=True)
    assert "changed by someone else" in stale.content.decode()


def test_an_item_cannot_move_before_the_operation(clinic: Clinic, client: Client) -> None:
    episode = clinic.patient_a.episodes.get()
    client.force_login(clinic.user(Role.NURSE))
    issue(client, episode.pk)
    plan = AftercarePlan.objects.get()
    response = client.post(
        reverse("aftercare:plan", args=[episode.pk]),
        {
            "adjust": "1",
            "version": str(plan.version),
            "item_key": "visit-2w",
            "starts_on": "2000-01-01",
            "instructions": "x",
            "reason": "y",
        },
        follow=True,
    )
    assert "cannot start before the operation" in response.content.decode()


def test_the_patient_sees_todays_instructions_and_what_comes_next(
    clinic: Clinic, client: Client
) -> None:
    episode = clinic.patient_a.episodes.get()
    client.force_login(clinic.user(Role.NURSE))
    issue(client, episode.pk)
    client.force_login(clinic.user(Role.PATIENT))
    body = client.get(reverse("aftercare:today")).content.decode()
    assert "day 3 after your operation" in body
    assert "Foot up most of the day" in body
    assert "Wound check (about 2 weeks)" in body


@pytest.mark.parametrize("role", [Role.PHYSIOTHERAPIST, Role.PATIENT])
def test_read_only_roles_cannot_issue_plans(clinic: Clinic, client: Client, role: Role) -> None:
    episode = clinic.patient_a.episodes.get()
    client.force_login(clinic.user(role))
    issue(client, episode.pk)
    assert not AftercarePlan.objects.exists()


def test_the_patient_chooses_how_to_be_reminded(clinic: Clinic, client: Client) -> None:
    from halluxpath.audit.models import AuditEvent

    client.force_login(clinic.user(Role.PATIENT))
    page = client.get(reverse("aftercare:today")).content.decode()
    assert 'value="auto" checked' in page
    client.post(reverse("aftercare:reminder_choice"), {"reminders": "none"})
    clinic.patient_a.refresh_from_db()
    assert (clinic.patient_a.reminders, clinic.patient_a.version) == ("none", 2)
    event = AuditEvent.objects.filter(object_type="patient", action="change").get()
    assert event.detail["reminders"] == {"before": "auto", "after": "none"}
    response = client.post(reverse("aftercare:reminder_choice"), {"reminders": "pigeon"})
    assert response.status_code == 302
    clinic.patient_a.refresh_from_db()
    assert clinic.patient_a.reminders == "none"
    client.force_login(clinic.user(Role.NURSE))
    assert (
        client.post(reverse("aftercare:reminder_choice"), {"reminders": "sms"}).status_code == 403
    )


def test_issuing_again_records_who_and_when(clinic: Clinic) -> None:
    from halluxpath.aftercare.actions import issue_plan
    from halluxpath.aftercare.schemas import PlanIssue

    episode = clinic.patient_a.episodes.get()

    def issue(role: Role) -> AftercarePlan:
        return issue_plan(
            Actor(clinic.user(role)),
            episode.pk,
            PlanIssue(operated_on=dt.date(2026, 11, 2)),
        )

    first_at = issue(Role.NURSE).issued_at
    again = issue(Role.SURGEON)
    assert (again.version, again.issued_by) == (2, clinic.user(Role.SURGEON))
    assert again.issued_at > first_at


def test_a_check_in_day_is_the_patients_sites_calendar_day(clinic: Clinic) -> None:
    """00:30 on the 11th in Auckland is still the 10th in UTC and London: the day is Auckland's."""
    from halluxpath.aftercare.models import CheckIn
    from halluxpath.aftercare.plans import check_in_days

    site = clinic.patient_a.site
    site.time_zone = "Pacific/Auckland"
    site.save()
    episode = clinic.patient_a.episodes.get()
    sent = CheckIn.objects.create(
        episode=episode, submitted_by=clinic.user(Role.PATIENT), answers={"pain_score": 2}
    )
    after_midnight = dt.datetime(2026, 11, 10, 11, 30, tzinfo=dt.UTC)  # 00:30 on the 11th there
    CheckIn.objects.filter(pk=sent.pk).update(submitted_at=after_midnight)
    days = check_in_days([episode.pk], dt.date(2026, 11, 10))
    assert days[episode.pk].sent == frozenset({dt.date(2026, 11, 11)})
