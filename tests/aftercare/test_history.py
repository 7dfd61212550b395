"""The check-in history with its pain trend, for the care team and the patient (issue 12 item 7).

A small table and an inline SVG line drawn on the server (no script, no
chart library), with a sentence as its text alternative.
"""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from halluxpath.accounts.models import Role
from halluxpath.aftercare import trend
from halluxpath.aftercare.actions import issue_plan
from halluxpath.aftercare.models import CheckIn
from halluxpath.aftercare.schemas import PlanIssue
from halluxpath.audit.context import Actor
from tests.conftest import Clinic

QUIET = {"discharge": "none", "bleeding": "none", "numbness": "none"}


def _check_ins(clinic: Clinic, client: Client, scores: list[int]) -> None:
    issue_plan(
        Actor(clinic.user(Role.NURSE)),
        clinic.patient_a.episodes.get().pk,
        PlanIssue(operated_on=timezone.localdate() - dt.timedelta(days=len(scores) + 1)),
    )
    client.force_login(clinic.user(Role.PATIENT))
    for days_ago, score in zip(range(len(scores), 0, -1), scores, strict=True):
        client.post(reverse("aftercare:check_in"), {**QUIET, "pain_score": str(score)})
        CheckIn.objects.filter(pk=CheckIn.objects.order_by("-pk").values("pk")[:1]).update(
            submitted_at=timezone.now() - dt.timedelta(days=days_ago)
        )


def test_the_patient_and_the_team_see_the_pain_trend_with_a_text_alternative(
    clinic: Clinic, client: Client
) -> None:
    _check_ins(clinic, client, [7, 6, 4, 3])
    today = client.get(reverse("aftercare:today")).content.decode()
    assert "Your check-ins" in today
    assert '<svg class="trend"' in today
    assert 'role="img" aria-labelledby="trend-title trend-desc"' in today
    assert "Pain fell from 7" in today
    assert "to 3 out of 10" in today
    assert today.count('<circle class="point') == 4
    assert "<script" not in today.split('<svg class="trend"')[1].split("</svg>")[0]
    client.force_login(clinic.user(Role.NURSE))
    staff = client.get(
        reverse("aftercare:plan", args=[clinic.patient_a.episodes.get().pk])
    ).content.decode()
    assert "Check-ins and pain" in staff
    assert "Pain fell from 7" in staff
    assert "7/10" in staff
    assert "Temperature (°C)" in staff


def test_rising_pain_is_described_as_rising() -> None:
    scored = [
        trend.Row(dt.datetime(2026, 11, d, tzinfo=dt.UTC), pain, None, 0, "None", d)
        for d, pain in ((3, 2), (4, 8), (5, 5))
    ]
    assert "rose from 2" in trend._summary(scored)


def test_another_teams_check_ins_are_not_in_the_history(clinic: Clinic, client: Client) -> None:
    _check_ins(clinic, client, [5])
    client.force_login(clinic.surgeon_b)
    assert (
        client.get(reverse("aftercare:plan", args=[clinic.patient_a.episodes.get().pk])).status_code
        == 404
    )
    client.force_login(clinic.user(Role.NURSE))
    page = client.get(
        reverse("aftercare:plan", args=[clinic.patient_a.episodes.get().pk])
    ).content.decode()
    assert len(re.findall(r'<circle class="point', page)) == 1
    assert "One pain score: 5 out of 10" in page
