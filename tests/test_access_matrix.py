"""The access matrix over every registered helper: role × relation × verb, from the rules.

Every record type is read through one ``RecordAccess`` helper, registered in
``halluxpath.access``. For each helper this test makes one record of its type
on each of four episodes (the user's own, another patient of the same team,
a patient of another team, a patient of another site), then asks the helper
for it as every role, to view and to edit, and compares the answer with the
rules as the clinic states them (docs/access.md), written once below and not
read from the code under test:

- visible: administrators, their whole site; clinical staff, their teams'
  episodes; a patient, their own; a researcher, no identifiable record;
  nobody signed in, nothing (refused before any look-up);
- editable: visible, and the role is one the helper's named permission admits
  (the table ``EDITORS`` states which roles each permission admits).

A helper registered without a sample factory fails the test, so a new record
type cannot skip the matrix.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404

import tests
from halluxpath.access import RecordAccess, registered
from halluxpath.accounts.models import CareTeam, Role, User
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.patients.models import Episode, Patient
from halluxpath.sites.models import Site

RELATIONS = ("own", "same_team", "other_team", "other_site")
VERBS = ("view", "edit")
ROLES = (*(r.value for r in Role), "nobody")
ALLOWED, HIDDEN, READ_ONLY, SIGN_IN = "allowed", "hidden", "read-only", "sign in"

# Which roles each named permission admits (docs/access.md), stated independently.
EDITORS: dict[str, frozenset[str]] = {
    "may_change_clinical_records": frozenset({Role.SURGEON, Role.NURSE, Role.ADMIN}),
    "may_sign_operative_record": frozenset({Role.SURGEON, Role.ADMIN}),
    "may_report_own_check_in": frozenset({Role.PATIENT}),
    "may_manage_site": frozenset({Role.ADMIN}),
    "may_alter_audit_log": frozenset(),
    "uses_staff_pages": frozenset({Role.SURGEON, Role.NURSE, Role.PHYSIOTHERAPIST, Role.ADMIN}),
}
# Record types only a site's administrators read (stated here, not read from the code).
# (An API token is also seen by the account it acts as: tests/api/test_tokens.py.)
ADMIN_ONLY = frozenset({"api_token", "audit_event", "pathway_template", "user_account"})
CLINICAL = frozenset({Role.SURGEON, Role.NURSE, Role.PHYSIOTHERAPIST})
# Record types of a site's research side (de-identified exports): its researchers and
# administrators, nobody else.
SITE_RESEARCH = frozenset({"research_export"})


def visible(role: str, relation: str, object_type: str) -> bool:
    if object_type in ADMIN_ONLY:
        return role == Role.ADMIN and relation != "other_site"
    if object_type in SITE_RESEARCH:
        return role in (Role.ADMIN, Role.RESEARCHER) and relation != "other_site"
    if role == Role.ADMIN:
        return relation != "other_site"
    if role in CLINICAL:
        return relation in ("own", "same_team")
    if role == Role.PATIENT:
        return relation == "own"
    return False


def expected(helper: RecordAccess[Any], role: str, relation: str, verb: str) -> str:
    if role == "nobody":
        return SIGN_IN
    if not visible(role, relation, helper.object_type):
        return HIDDEN
    if verb == "view":
        return ALLOWED
    return ALLOWED if role in EDITORS[helper.may_change.__name__] else READ_ONLY


def outcome(call: Callable[[], object]) -> str:
    try:
        call()
    except Http404:
        return HIDDEN
    except PermissionDenied as refusal:
        return SIGN_IN if str(refusal) == "sign in first" else READ_ONLY
    return ALLOWED


@dataclass
class World:
    """Two sites; the users are all at the first one, clinical staff in team A."""

    users: dict[str, User | None]
    episodes: dict[str, Episode]


def _user(username: str, role: str, site: Site, *teams: CareTeam) -> User:
    user = User(username=username, role=role, site=site, first_name=username, last_name="T")
    user.set_unusable_password()
    user.save()
    for team in teams:
        team.members.add(user)
    return user


def _episode(
    number: str, site: Site, team: CareTeam, surgeon: User, account: User | None
) -> Episode:
    patient = Patient.objects.create(
        site=site,
        hospital_number=number,
        given_name="Test",
        family_name=number,
        date_of_birth=date(1970, 1, 1),
        sex="female",
        user=account,
    )
    return Episode.objects.create(
        patient=patient,
        side="right",
        diagnosis="Hallux valgus",
        responsible_surgeon=surgeon,
        care_team=team,
        referred_on=date(2026, 1, 5),
    )


def build_world() -> World:
    here = Site.objects.create(slug="matrix-here", name="Here clinic")
    there = Site.objects.create(slug="matrix-there", name="There hospital")
    team_a = CareTeam.objects.create(site=here, name="Matrix A")
    team_b = CareTeam.objects.create(site=here, name="Matrix B")
    team_c = CareTeam.objects.create(site=there, name="Matrix C")
    users: dict[str, User | None] = {
        Role.SURGEON: _user("m-surgeon", Role.SURGEON, here, team_a),
        Role.NURSE: _user("m-nurse", Role.NURSE, here, team_a),
        Role.PHYSIOTHERAPIST: _user("m-physio", Role.PHYSIOTHERAPIST, here, team_a),
        Role.ADMIN: _user("m-admin", Role.ADMIN, here),
        Role.RESEARCHER: _user("m-researcher", Role.RESEARCHER, here),
        Role.PATIENT: _user("m-patient", Role.PATIENT, here),
        "nobody": None,
    }
    colleague = _user("m-surgeon-2", Role.SURGEON, here, team_a)
    surgeon_b = _user("m-surgeon-b", Role.SURGEON, here, team_b)
    surgeon_c = _user("m-surgeon-c", Role.SURGEON, there, team_c)
    surgeon = users[Role.SURGEON]
    assert surgeon is not None
    episodes = {
        "own": _episode("MX-OWN", here, team_a, surgeon, users[Role.PATIENT]),
        "same_team": _episode("MX-SAME", here, team_a, colleague, None),
        "other_team": _episode("MX-OTHER", here, team_b, surgeon_b, None),
        "other_site": _episode("MX-SITE", there, team_c, surgeon_c, None),
    }
    return World(users, episodes)


Sample = Callable[[Episode], Model]


def _audit_event(episode: Episode) -> Model:
    """An event about the episode's patient, made by its responsible surgeon."""
    event = record(
        Actor(episode.responsible_surgeon),
        "change",
        object_type="episode",
        object_id=episode.pk,
        patient_id=episode.patient_id,
    )
    assert event is not None
    return event


def samples() -> dict[str, Sample]:
    """Every app's ``tests/<app>/access_samples.py`` factories, plus patients and episodes."""
    found: dict[str, Sample] = {
        "patient": lambda e: e.patient,
        "episode": lambda e: e,
        "audit_event": _audit_event,
    }
    for info in pkgutil.iter_modules(tests.__path__):
        try:
            module = importlib.import_module(f"tests.{info.name}.access_samples")
        except ModuleNotFoundError:
            continue
        found.update(module.SAMPLES)
    return found


HELPERS = registered()


def test_every_registered_helper_has_a_sample() -> None:
    missing = sorted(set(HELPERS) - set(samples()))
    assert not missing, f"add a factory to tests/<app>/access_samples.py for: {missing}"


@pytest.mark.parametrize("object_type", sorted(HELPERS))
def test_the_helper_follows_the_rules(db: None, object_type: str) -> None:
    helper = HELPERS[object_type]
    make = samples().get(object_type)
    if make is None:
        pytest.fail(f"no sample factory for {object_type}")
    world = build_world()
    records = {relation: make(episode) for relation, episode in world.episodes.items()}
    wrong = []
    for role, user in world.users.items():
        actor = Actor(user)
        for relation, row in records.items():
            for verb in VERBS:
                got = outcome(lambda: helper.get(actor, row.pk, purpose=verb))  # type: ignore[arg-type]  # noqa: B023
                want = expected(helper, role, relation, verb)
                if got != want:
                    wrong.append(f"{role} {verb} {relation}: got {got}, rules say {want}")
    assert not wrong, f"{object_type}:\n" + "\n".join(wrong)
