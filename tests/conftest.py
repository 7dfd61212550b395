"""Shared fixtures: a small clinic with two care teams and one of every role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from pytest_django import Settings

from halluxpath.accounts.models import CareTeam, Role, User
from halluxpath.patients.models import Episode, Patient


@pytest.fixture(autouse=True)
def _plain_static_files(settings: Settings) -> None:
    """Serve static files without the collectstatic manifest in tests."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def make_user(username: str, role: Role, *teams: CareTeam, password: str | None = None) -> User:
    user = User(username=username, role=role, first_name=username.title(), last_name="Test")
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    for team in teams:
        team.members.add(user)
    return user


def make_patient(
    hospital_number: str,
    surgeon: User,
    team: CareTeam,
    *,
    user: User | None = None,
    given: str = "Ada",
    family: str = "Lovelace",
    status: str = "referred",
) -> Patient:
    patient = Patient.objects.create(
        hospital_number=hospital_number,
        given_name=given,
        family_name=family,
        date_of_birth=date(1960, 5, 17),
        sex="female",
        user=user,
    )
    Episode.objects.create(
        patient=patient,
        side="left",
        diagnosis="Hallux valgus",
        responsible_surgeon=surgeon,
        care_team=team,
        status=status,
        referred_on=date(2026, 1, 10),
    )
    return patient


@dataclass
class Clinic:
    team_a: CareTeam
    team_b: CareTeam
    users: dict[str, User]  # one of each role, clinical ones in team A
    surgeon_b: User  # a surgeon in team B
    patient_a: Patient  # in team A, linked to users["patient"]
    patient_b: Patient  # in team B

    def user(self, role: str) -> User:
        return self.users[role]


@pytest.fixture
def clinic(db: None) -> Clinic:
    team_a = CareTeam.objects.create(name="Team A")
    team_b = CareTeam.objects.create(name="Team B")
    users = {
        Role.SURGEON: make_user("surgeon", Role.SURGEON, team_a),
        Role.NURSE: make_user("nurse", Role.NURSE, team_a),
        Role.PHYSIOTHERAPIST: make_user("physio", Role.PHYSIOTHERAPIST, team_a),
        Role.PATIENT: make_user("patient", Role.PATIENT),
        Role.RESEARCHER: make_user("researcher", Role.RESEARCHER),
        Role.ADMIN: make_user("admin", Role.ADMIN),
    }
    surgeon_b = make_user("surgeon-b", Role.SURGEON, team_b)
    patient_a = make_patient("A-0001", users[Role.SURGEON], team_a, user=users[Role.PATIENT])
    patient_b = make_patient("B-0001", surgeon_b, team_b, given="Grace", family="Hopper")
    return Clinic(
        team_a, team_b, {str(k): v for k, v in users.items()}, surgeon_b, patient_a, patient_b
    )


def pytest_report_header() -> str:
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return f"database: {engine}"
