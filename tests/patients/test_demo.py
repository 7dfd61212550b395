from __future__ import annotations

from datetime import date

from django.contrib.auth import authenticate
from django.test import RequestFactory

from halluxpath.accounts.models import Role, User
from halluxpath.audit.chain import verify
from halluxpath.core.episode import EpisodeStatus
from halluxpath.patients.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo
from halluxpath.patients.models import Episode, Patient, StatusChange

TODAY = date(2026, 11, 25)


def counts() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        Patient.objects.count(),
        Episode.objects.count(),
        StatusChange.objects.count(),
    )


def test_loading_the_demo_twice_changes_nothing(db: None) -> None:
    first = load_demo(60, today=TODAY)
    after_first = counts()
    second = load_demo(60, today=TODAY)
    assert first.patients_created == 60
    assert (second.users_created, second.patients_created, second.episodes_created) == (0, 0, 0)
    assert counts() == after_first
    assert verify().ok


def test_every_demo_account_is_named_after_its_role_and_can_sign_in(db: None) -> None:
    load_demo(10, today=TODAY)
    request = RequestFactory().post("/accounts/login/")
    for role in Role:
        user = User.objects.get(username={"physiotherapist": "physio"}.get(role, role))
        assert user.role == role
        assert authenticate(request, username=user.username, password=DEMO_PASSWORD) == user
    assert {a.username for a in DEMO_ACCOUNTS if not a.can_sign_in} == {
        "surgeon-b",
        "surgeon-c",
        "nurse-b",
        "physio-b",
    }


def test_the_demo_patient_account_has_a_record(db: None) -> None:
    load_demo(20, today=TODAY)
    record = Patient.objects.get(user__username="patient")
    assert record.hospital_number.startswith("DEMO")


def test_demo_timelines_follow_the_allowed_transitions(db: None) -> None:
    load_demo(40, today=TODAY)
    for episode in Episode.objects.prefetch_related("status_changes"):
        steps = [c.to_status for c in episode.status_changes.all()]
        main_line = [s.value for s in EpisodeStatus]
        assert steps == main_line[: main_line.index(episode.status) + 1]
