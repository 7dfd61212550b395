"""The clinic's worklist and a day's theatre list (issue 12, item 8)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from halluxpath.accounts.models import Role, User
from halluxpath.aftercare.models import AftercarePlan
from halluxpath.aftercare.stored import PLAN_ITEMS
from halluxpath.patients.models import Episode, Patient
from halluxpath.surgery.models import OperativeRecord, PreoperativeAssessment, SurgicalPlan
from tests.conftest import Clinic, make_patient, make_user

TODAY = timezone.localdate()


def operated(episode: Episode, on: dt.date, by: User) -> None:
    OperativeRecord.objects.create(episode=episode, operated_on=on, content={}, recorded_by=by)


def booked(episode: Episode, on: dt.date, by: User, items: list[dict[str, Any]]) -> None:
    AftercarePlan.objects.create(
        episode=episode,
        template="Standard",
        template_version=1,
        operated_on=on,
        options={},
        items=PLAN_ITEMS.stamp({"items": items}),
        issued_by=by,
    )


def item(title: str, starts_on: dt.date) -> dict[str, Any]:
    return {"key": title.lower(), "title": title, "starts_on": starts_on.isoformat()}


def episode_of(patient: Patient) -> Episode:
    return patient.episodes.get()


@pytest.fixture
def surgeon_client(clinic: Clinic, client: Client) -> Client:
    client.force_login(clinic.user(Role.SURGEON))
    return client


@pytest.fixture
def three(clinic: Clinic) -> list[Episode]:
    """Three of team A's feet: operated last week, booked for next week, not yet booked."""
    surgeon = clinic.user(Role.SURGEON)
    other = make_user("second-surgeon", Role.SURGEON, clinic.team_a)
    first = episode_of(clinic.patient_a)
    second = episode_of(make_patient("A-0002", surgeon, clinic.team_a, family="Babbage"))
    third = episode_of(make_patient("A-0003", other, clinic.team_a, family="Curie"))
    Episode.objects.filter(pk=first.pk).update(status="operated")
    Episode.objects.filter(pk=second.pk).update(status="planned")
    operated(first, TODAY - dt.timedelta(days=7), surgeon)
    booked(first, TODAY - dt.timedelta(days=7), surgeon, [item("Wound check", TODAY)])
    booked(
        second,
        TODAY + dt.timedelta(days=7),
        surgeon,
        [item("Six-week review", TODAY + dt.timedelta(days=49))],
    )
    return [first, second, third]


def names_in_order(page: str, *names: str) -> list[str]:
    return sorted(names, key=page.index)


def test_the_worklist_shows_the_operation_date_and_the_next_due_item(
    surgeon_client: Client, three: list[Episode]
) -> None:
    page = surgeon_client.get(reverse("patients:worklist")).content.decode()
    assert "Operation" in page
    assert "Next due" in page
    from django.utils.formats import date_format

    assert date_format(TODAY - dt.timedelta(days=7)) in page
    assert f"Wound check, {date_format(TODAY)}" in page


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("name", ["BABBAGE", "CURIE", "LOVELACE"]),
        ("operation", ["LOVELACE", "BABBAGE", "CURIE"]),
        ("-operation", ["BABBAGE", "LOVELACE", "CURIE"]),
        ("status", ["CURIE", "BABBAGE", "LOVELACE"]),
        ("next_due", ["LOVELACE", "BABBAGE", "CURIE"]),
    ],
)
def test_the_worklist_sorts(
    surgeon_client: Client, three: list[Episode], sort: str, order: list[str]
) -> None:
    page = surgeon_client.get(reverse("patients:worklist"), {"sort": sort}).content.decode()
    body = page[page.index("<tbody>") :]
    assert names_in_order(body, *order) == order


def test_the_worklist_filters_by_surgeon_and_operation_dates(
    clinic: Clinic, surgeon_client: Client, three: list[Episode]
) -> None:
    other = User.objects.get(username="second-surgeon")
    by_surgeon = surgeon_client.get(reverse("patients:worklist"), {"surgeon": other.pk})
    body = by_surgeon.content.decode()
    assert "CURIE" in body
    assert "LOVELACE" not in body
    window = {
        "operated_from": (TODAY + dt.timedelta(days=1)).isoformat(),
        "operated_to": (TODAY + dt.timedelta(days=30)).isoformat(),
    }
    body = surgeon_client.get(reverse("patients:worklist"), window).content.decode()
    assert "BABBAGE" in body
    assert "LOVELACE" not in body
    assert "CURIE" not in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"operated_from": "0001-01-01"}, "Enter a date from"),
        ({"operated_to": "9999-12-31"}, "Enter a date up to"),
        ({"operated_from": "not a date"}, "Enter a valid date"),
        ({"operated_from": "2026-05-02", "operated_to": "2026-05-01"}, "before its start"),
        ({"surgeon": "abc"}, "Select a valid choice"),
        ({"sort": "<script>"}, "Select a valid choice"),
    ],
)
def test_bad_worklist_filters_are_form_errors(
    surgeon_client: Client, three: list[Episode], data: dict[str, str], message: str
) -> None:
    response = surgeon_client.get(reverse("patients:worklist"), data)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_the_worklist_reads_a_fixed_number_of_queries(
    clinic: Clinic, surgeon_client: Client, three: list[Episode]
) -> None:
    def count(sort: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            surgeon_client.get(reverse("patients:worklist"), {"sort": sort})
        return len(queries)

    count("name")  # the first request of a session also saves the session
    before = {sort: count(sort) for sort in ("name", "next_due")}
    surgeon = clinic.user(Role.SURGEON)
    for n in range(20):
        episode = episode_of(make_patient(f"Q-{n:04}", surgeon, clinic.team_a, family=f"Q{n}"))
        booked(episode, TODAY, surgeon, [item("Wound check", TODAY)])
    assert {sort: count(sort) for sort in ("name", "next_due")} == before


def test_another_teams_operation_is_not_on_the_list(
    clinic: Clinic, surgeon_client: Client, three: list[Episode]
) -> None:
    hidden = episode_of(clinic.patient_b)
    operated(hidden, TODAY, clinic.surgeon_b)
    page = surgeon_client.get(reverse("patients:theatre_list"), {"day": TODAY.isoformat()})
    assert "HOPPER" not in page.content.decode()


def test_the_theatre_list_shows_the_day_in_order_with_side_procedure_and_risks(
    clinic: Clinic, surgeon_client: Client, three: list[Episode]
) -> None:
    surgeon = clinic.user(Role.SURGEON)
    day = TODAY + dt.timedelta(days=7)
    second = three[1]
    extra = episode_of(make_patient("A-0009", surgeon, clinic.team_a, family="Ampere"))
    booked(extra, day, surgeon, [])
    SurgicalPlan.objects.create(
        episode=second,
        inputs={},
        suggested={},
        technique="mis_distal_metatarsal_osteotomy",
        akin=True,
        target_ima_deg=7.0,
        decided_by=surgeon,
    )
    PreoperativeAssessment.objects.create(
        episode=second, allergies="Penicillin", anticoagulant="Apixaban", recorded_by=surgeon
    )
    response = surgeon_client.get(reverse("patients:theatre_list"), {"day": day.isoformat()})
    page = response.content.decode()
    body = page[page.index("<tbody>") :]
    assert names_in_order(body, "AMPERE", "BABBAGE") == ["AMPERE", "BABBAGE"]
    assert "LOVELACE" not in body
    assert "with Akin osteotomy" in body
    assert "Penicillin" in body
    assert "Apixaban" in body
    assert "No pre-operative assessment recorded" in body  # Ampère's
    assert "LEFT" in body
    assert "patients/patients.css" in page  # carries the print rules


def test_the_theatre_list_prints_without_navigation() -> None:
    from pathlib import Path

    import halluxpath.patients

    css = (
        Path(halluxpath.patients.__file__).parent / "static" / "patients" / "patients.css"
    ).read_text()
    print_rules = css[css.index("@media print") :]
    assert ".site-header" in print_rules
    assert "break-inside: avoid" in print_rules


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "yesterday", ""])
def test_a_bad_theatre_day_is_a_form_error(
    surgeon_client: Client, three: list[Episode], day: str
) -> None:
    response = surgeon_client.get(reverse("patients:theatre_list"), {"day": day})
    assert response.status_code == 200
    assert 'class="errorlist"' in response.content.decode()


def test_the_theatre_list_reads_a_fixed_number_of_queries(
    clinic: Clinic, surgeon_client: Client, three: list[Episode]
) -> None:
    surgeon = clinic.user(Role.SURGEON)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            surgeon_client.get(reverse("patients:theatre_list"), {"day": TODAY.isoformat()})
        return len(queries)

    operated(three[2], TODAY, surgeon)
    count()  # the first request of a session also saves the session
    before = count()
    for n in range(10):
        episode = episode_of(make_patient(f"T-{n:04}", surgeon, clinic.team_a, family=f"T{n}"))
        operated(episode, TODAY, surgeon)
        PreoperativeAssessment.objects.create(episode=episode, recorded_by=surgeon)
    assert count() == before
