"""A site's own questionnaire schedule (DOMAIN §14: a site choice), set by its administrators."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from halluxpath.accounts.models import Role
from halluxpath.audit.context import Actor
from halluxpath.core.schedule import DEFAULT
from halluxpath.outcomes.actions import set_schedule
from halluxpath.outcomes.questionnaires import schedule_of, stored_schedule
from halluxpath.outcomes.schemas import ScheduleInput, TimePointInput
from halluxpath.patients.models import Episode
from halluxpath.records import EditConflict
from tests.boundaries import FormCase, current_values, sweep
from tests.conftest import Clinic


def _input(**six_months: object) -> ScheduleInput:
    points = [
        TimePointInput(
            key=t.key, opens_days=t.opens_days, closes_days=t.closes_days, instruments=t.instruments
        )
        for t in DEFAULT.time_points
        if t.key != "6w"
    ]
    return ScheduleInput(
        time_points=tuple(p.model_copy(update=six_months) if p.key == "6m" else p for p in points)
    )


def test_a_site_sets_its_schedule_and_the_unloaded_instruments_wait(clinic: Clinic) -> None:
    admin = Actor(clinic.user(Role.ADMIN))
    site_id = clinic.user(Role.ADMIN).site_id
    row = set_schedule(admin, _input(opens_days=160, instruments=("nrs_pain", "moxfq")), None)
    assert [t.key for t in stored_schedule(site_id).time_points] == ["baseline", "6m", "12m", "24m"]
    six = schedule_of(site_id).time_point("6m")
    assert six is not None
    assert (six.opens_days, six.instruments) == (160, ("nrs_pain",))  # MOXFQ not loaded yet
    with pytest.raises(EditConflict):
        set_schedule(admin, _input(), None)
    set_schedule(admin, _input(), row.version)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"opens_days": 300, "closes_days": 200}, "closes before it opens"),
        ({"instruments": ("aofas",)}, "aofas is not an instrument"),
        ({"opens_days": -5}, "opens after the operation"),
    ],
)
def test_a_schedule_that_cannot_be_used_is_refused(
    clinic: Clinic, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        set_schedule(Actor(clinic.user(Role.ADMIN)), _input(**changes), None)


def test_only_administrators_set_the_schedule(clinic: Clinic) -> None:
    with pytest.raises(PermissionDenied):
        set_schedule(Actor(clinic.user(Role.SURGEON)), _input(), None)


def test_boundary_sweep_of_the_schedule_form(clinic: Clinic, episode: Episode) -> None:
    client = Client()
    client.force_login(clinic.user(Role.ADMIN))
    url = reverse("outcomes:site_questionnaires")
    result = sweep(
        FormCase(
            "questionnaire schedule",
            client,
            url,
            fields=lambda name: name.startswith("schedule-"),
            valid=lambda: {"form": "schedule"},
            reload=lambda: [
                reverse("outcomes:completion"),
                reverse("outcomes:to_call"),
                reverse("patients:episode", args=[episode.pk]),
            ],
        ),
        only="schedule-6m_opens_days",
    )
    result.check()
    result = sweep(
        FormCase(
            "questionnaire schedule",
            client,
            url,
            fields=lambda name: name.startswith("schedule-"),
            valid=lambda: {"form": "schedule"},
        ),
        only="schedule-12m_instruments",
    )
    result.check()
    page = client.get(url)
    data = current_values(page, lambda name: name.startswith("schedule-"))
    data["schedule-6m_opens_days"] = ["155"]
    assert client.post(url, {**data, "form": ["schedule"]}).status_code == 302
    six = stored_schedule(clinic.user(Role.ADMIN).site_id).time_point("6m")
    assert six is not None
    assert six.opens_days == 155
