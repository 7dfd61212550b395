"""Shared fixtures: a small clinic with two care teams and one of every role.

Every record belongs to a site; helpers default to the test site (the first
site, made by the migrations), so a test that does not care about sites never
mentions one. ``world`` adds a second site for the site rule (docs/access.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

import pytest
from django.db import transaction
from pytest_django import DjangoDbBlocker, Settings

from halluxpath.accounts.models import CareTeam, Role, User
from halluxpath.core.stopping import current_handlers, put_back
from halluxpath.patients.models import Episode, Patient
from halluxpath.sites.models import Site

T = TypeVar("T")


def loaded_once(django_db_blocker: DjangoDbBlocker, load: Callable[[], T]) -> Iterator[T]:
    """Rows loaded once for a class of tests (or a module), rolled back after its last test.

    For a class-scoped fixture (``yield from loaded_once(django_db_blocker, load)``)
    where a load is slow (the demo) and several tests check what it made. The load
    runs in a transaction held open around the tests, as Django's
    ``TestCase.setUpTestData`` does; each test still runs in its own savepoint
    inside it (pytest-django's ``db``), so whatever a test writes is gone before
    the next one starts, and the tests pass in any order. Share only records,
    never Python objects a test changes; not for ``transactional_db`` or
    ``live_server`` tests (their data must be committed).
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic._from_testcase = True  # type: ignore[attr-defined]  # durable blocks allowed inside, as in TestCase
        atomic.__enter__()
        try:
            value = load()
        except BaseException as error:
            atomic.__exit__(type(error), error, error.__traceback__)
            raise
    try:
        yield value
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def first_site() -> Site:
    """The first site (made by the migrations; made again after a flush).

    Test sites do not require a staff second factor, so tests that sign staff
    in with ``force_login`` need no authenticator; tests/accounts turn it on.
    """
    site = Site.objects.order_by("pk").first() or Site.objects.create(
        slug="main", name="The foot clinic"
    )
    if site.second_factor_required:
        Site.objects.filter(pk=site.pk).update(second_factor_required=False)
        site.second_factor_required = False
    return site


def make_site(slug: str, name: str, **settings: object) -> Site:
    settings.setdefault("second_factor_required", False)
    return Site.objects.create(slug=slug, name=name, **settings)


def make_team(name: str, site: Site | None = None) -> CareTeam:
    return CareTeam.objects.create(name=name, site=site or first_site())


@pytest.fixture
def site(db: None) -> Site:
    return first_site()


@pytest.fixture(autouse=True)
def _plain_static_files(settings: Settings) -> None:
    """Serve static files without the collectstatic manifest in tests."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _signal_handlers_put_back() -> Iterator[None]:
    """A command run in this process (django_tasks_db's ``db_worker`` in the task tests)
    may leave its SIGTERM handler behind; later forks would inherit it (core.stopping)."""
    before = current_handlers()
    yield
    put_back(before)


def make_user(
    username: str,
    role: Role,
    *teams: CareTeam,
    password: str | None = None,
    site: Site | None = None,
) -> User:
    """A user of ``site`` (default: the first team's site, else the test site)."""
    site = site or (teams[0].site if teams else first_site())
    user = User(
        username=username, role=role, first_name=username.title(), last_name="Test", site=site
    )
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
    """A patient of the team's site with one episode in ``team``."""
    patient = Patient.objects.create(
        site=team.site,
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
    team_a = make_team("Team A")
    team_b = make_team("Team B")
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


@dataclass
class World:
    """Everyone the access rules tell apart, at two sites (docs/access.md).

    Site 1 (``site1``):
      - ``team_a``: ``surgeon`` (responsible for ``p_own``), ``surgeon2``
        (responsible for ``p_same_team``), ``nurse``, ``physio``;
      - ``team_b``: ``surgeon_b`` (responsible for ``p_other_team``);
      - ``admin`` and ``researcher`` of site 1 (no team);
      - ``patient_user``: the portal account linked to ``p_own``.
    Site 2 (``site2``):
      - ``team_c``: ``surgeon_c`` (responsible for ``p_other_site``);
      - ``admin_c``, administrator of site 2.

    Relations for the access matrix, seen from ``surgeon``: ``p_own`` own,
    ``p_same_team`` same team, ``p_other_team`` other team, ``p_other_site``
    other site.
    """

    site1: Site
    site2: Site
    team_a: CareTeam
    team_b: CareTeam
    team_c: CareTeam
    surgeon: User
    surgeon2: User
    nurse: User
    physio: User
    surgeon_b: User
    admin: User
    researcher: User
    patient_user: User
    surgeon_c: User
    admin_c: User
    p_own: Patient
    p_same_team: Patient
    p_other_team: Patient
    p_other_site: Patient

    def episode(self, patient: Patient) -> Episode:
        return patient.episodes.get()


@pytest.fixture
def world(db: None) -> World:
    site1 = first_site()
    site2 = make_site("second", "Second Hospital", time_zone="America/New_York")
    team_a, team_b = make_team("Team A", site1), make_team("Team B", site1)
    team_c = make_team("Team C", site2)
    surgeon = make_user("w-surgeon", Role.SURGEON, team_a)
    surgeon2 = make_user("w-surgeon2", Role.SURGEON, team_a)
    surgeon_b = make_user("w-surgeon-b", Role.SURGEON, team_b)
    surgeon_c = make_user("w-surgeon-c", Role.SURGEON, team_c)
    patient_user = make_user("w-patient", Role.PATIENT, site=site1)
    return World(
        site1=site1,
        site2=site2,
        team_a=team_a,
        team_b=team_b,
        team_c=team_c,
        surgeon=surgeon,
        surgeon2=surgeon2,
        nurse=make_user("w-nurse", Role.NURSE, team_a),
        physio=make_user("w-physio", Role.PHYSIOTHERAPIST, team_a),
        surgeon_b=surgeon_b,
        admin=make_user("w-admin", Role.ADMIN, site=site1),
        researcher=make_user("w-researcher", Role.RESEARCHER, site=site1),
        patient_user=patient_user,
        surgeon_c=surgeon_c,
        admin_c=make_user("w-admin-c", Role.ADMIN, site=site2),
        p_own=make_patient("W-0001", surgeon, team_a, user=patient_user),
        p_same_team=make_patient("W-0002", surgeon2, team_a, given="Mary"),
        p_other_team=make_patient("W-0003", surgeon_b, team_b, given="Grace"),
        p_other_site=make_patient("W-0001", surgeon_c, team_c, given="Edith"),
    )


def pytest_configure(config: pytest.Config) -> None:
    """Cheap password hashing for the whole run (tests/hashers.py says why)."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = [
        "tests.hashers.QuickArgon2PasswordHasher",
        *(name for name in settings.PASSWORD_HASHERS if not name.endswith(".Argon2PasswordHasher")),
    ]


def pytest_report_header() -> str:
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return f"database: {engine}"
