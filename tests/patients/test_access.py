"""The access matrix: every role x own/other patient x view/edit, derived from the rules.

The expected answers are computed from the rules as the clinic states them
(docs/access.md), not listed by hand, and checked both on the access helpers
and on the pages.
"""

from __future__ import annotations

import itertools
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.urls import reverse

from halluxpath.accounts.models import Role
from halluxpath.audit.context import Actor
from halluxpath.audit.models import AuditEvent
from halluxpath.patients.access import episode_for, patient_for
from tests.conftest import Clinic

ROLES = [r.value for r in Role]
RELATIONS = ["own", "other"]  # own: the user's care team (or, for a patient, themselves)
PURPOSES = ["view", "edit"]
ALLOWED, HIDDEN, READ_ONLY = "allowed", "hidden", "read-only"


def expected(role: str, relation: str, purpose: str) -> str:
    """The rules: admins everything; clinical staff their teams' records, and only
    surgeons and nurses change them; a patient reads their own record; a
    researcher sees no identifiable record."""
    if role == Role.ADMIN:
        return ALLOWED
    if role == Role.RESEARCHER or relation == "other":
        return HIDDEN
    if purpose == "view":
        return ALLOWED
    return ALLOWED if role in (Role.SURGEON, Role.NURSE) else READ_ONLY


def outcome_of(call: object) -> str:
    try:
        call()  # type: ignore[operator]
    except Http404:
        return HIDDEN
    except PermissionDenied:
        return READ_ONLY
    return ALLOWED


MATRIX = list(itertools.product(ROLES, RELATIONS, PURPOSES))


@pytest.mark.parametrize(("role", "relation", "purpose"), MATRIX)
def test_patient_access_helper_follows_the_rules(
    clinic: Clinic, role: str, relation: str, purpose: str
) -> None:
    patient = clinic.patient_a if relation == "own" else clinic.patient_b
    actor = Actor(clinic.user(role))
    got = outcome_of(lambda: patient_for(actor, patient.pk, purpose=purpose))  # type: ignore[arg-type]
    assert got == expected(role, relation, purpose)


@pytest.mark.parametrize(("role", "relation", "purpose"), MATRIX)
def test_episode_access_helper_follows_the_rules(
    clinic: Clinic, role: str, relation: str, purpose: str
) -> None:
    patient = clinic.patient_a if relation == "own" else clinic.patient_b
    episode = patient.episodes.get()
    actor = Actor(clinic.user(role))
    got = outcome_of(lambda: episode_for(actor, episode.pk, purpose=purpose))  # type: ignore[arg-type]
    assert got == expected(role, relation, purpose)


STAFF_PAGE_ROLES = {Role.SURGEON, Role.NURSE, Role.PHYSIOTHERAPIST, Role.ADMIN}


def expected_status(role: str, relation: str, purpose: str) -> int:
    """Staff pages: roles without staff pages get 403 before any record is looked up."""
    if role not in STAFF_PAGE_ROLES:
        return 403
    return {ALLOWED: 200, HIDDEN: 404, READ_ONLY: 403}[expected(role, relation, purpose)]


@pytest.mark.parametrize(("role", "relation", "purpose"), MATRIX)
def test_patient_pages_follow_the_rules(
    clinic: Clinic, client: Client, role: str, relation: str, purpose: str
) -> None:
    patient = clinic.patient_a if relation == "own" else clinic.patient_b
    client.force_login(clinic.user(role))
    name = "patients:detail" if purpose == "view" else "patients:edit"
    response = client.get(reverse(name, args=[patient.pk]))
    assert response.status_code == expected_status(role, relation, purpose)


@pytest.mark.parametrize(("role", "relation"), list(itertools.product(ROLES, RELATIONS)))
def test_status_change_is_refused_unless_the_rules_allow_editing(
    clinic: Clinic, client: Client, role: str, relation: str
) -> None:
    patient = clinic.patient_a if relation == "own" else clinic.patient_b
    episode = patient.episodes.get()
    client.force_login(clinic.user(role))
    response = client.post(
        reverse("patients:episode_status", args=[episode.pk]),
        {"version": episode.version, "to_status": "assessed"},
    )
    episode.refresh_from_db()
    allowed = expected_status(role, relation, "edit") == 200
    assert (episode.status == "assessed") is allowed
    assert response.status_code == (302 if allowed else expected_status(role, relation, "edit"))


def test_a_hidden_record_looks_exactly_like_a_missing_one(clinic: Clinic, client: Client) -> None:
    client.force_login(clinic.user(Role.SURGEON))
    hidden = client.get(reverse("patients:detail", args=[clinic.patient_b.pk]))
    missing = client.get(reverse("patients:detail", args=[999_999]))
    assert hidden.status_code == missing.status_code == 404
    without_tokens = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
    assert without_tokens.sub(b"", hidden.content) == without_tokens.sub(b"", missing.content)


def test_views_and_refusals_are_audited(clinic: Clinic, client: Client) -> None:
    client.force_login(clinic.user(Role.NURSE))
    client.get(reverse("patients:detail", args=[clinic.patient_a.pk]))
    client.get(reverse("patients:detail", args=[clinic.patient_b.pk]))
    seen = AuditEvent.objects.get(action="view", patient_id=clinic.patient_a.pk)
    assert (seen.actor_username, seen.actor_role, seen.outcome) == ("nurse", "nurse", "success")
    assert seen.client_address == "127.0.0.1"
    refused = AuditEvent.objects.get(action="view", object_id=str(clinic.patient_b.pk))
    assert refused.outcome == "denied"


def test_the_worklist_shows_only_the_users_care_teams(clinic: Clinic, client: Client) -> None:
    client.force_login(clinic.user(Role.SURGEON))
    page = client.get(reverse("patients:worklist")).content.decode()
    assert "A-0001" in page
    assert "B-0001" not in page
    client.force_login(clinic.user(Role.ADMIN))
    page = client.get(reverse("patients:worklist")).content.decode()
    assert "A-0001" in page
    assert "B-0001" in page


def test_a_patient_sees_their_own_record_and_no_staff_page(clinic: Clinic, client: Client) -> None:
    client.force_login(clinic.user(Role.PATIENT))
    me = client.get(reverse("patients:me"))
    assert me.status_code == 200
    assert "A-0001" in me.content.decode()
    for name in ("patients:worklist", "patients:create", "audit:events", "patients:research"):
        assert client.get(reverse(name)).status_code == 403


def test_a_researcher_sees_only_suppressed_counts(clinic: Clinic, client: Client) -> None:
    client.force_login(clinic.user(Role.RESEARCHER))
    page = client.get(reverse("patients:research")).content.decode()
    assert "Lovelace" not in page
    assert "A-0001" not in page
    assert '<td class="num">*</td>' in page  # two referred episodes: a small cell
