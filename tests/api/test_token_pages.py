"""The token pages: make a token and see it once, list, revoke; every field's boundaries."""

from __future__ import annotations

import itertools

import pytest
from django.test import Client
from django.urls import reverse

from halluxpath.accounts.models import Role
from halluxpath.api.models import ApiToken, TokenKind
from tests.boundaries import FormCase, sweep
from tests.conftest import Clinic

pytestmark = pytest.mark.django_db

_names = itertools.count(1)


def signed_in(clinic: Clinic, role: str, *, collect: bool = False) -> Client:
    client = Client(raise_request_exception=not collect)
    client.force_login(clinic.user(role))
    return client


def test_a_person_makes_a_token_sees_it_once_and_revokes_it(clinic: Clinic) -> None:
    client = signed_in(clinic, Role.SURGEON)
    page = reverse("tokens:mine")
    assert client.get(page).status_code == 200
    made = client.post(
        page,
        {
            "name": "My laptop",
            "lifetime_days": "30",
            "scope_patients": "read",
            "scope_surgery": "write",
        },
    )
    assert made.status_code == 200
    row = ApiToken.objects.get()
    assert (row.kind, row.user, row.scope_list) == (
        TokenKind.PERSONAL,
        clinic.user(Role.SURGEON),
        ["patients:read", "surgery:write"],
    )
    shown = made.content.decode()
    secret = shown.split('<code class="secret">')[1].split("</code>")[0]
    assert secret.startswith(row.shown_prefix + "_")
    listed = client.get(page).content.decode()
    assert row.shown_prefix in listed
    assert secret not in listed  # shown once, never again
    assert "never" in listed  # not used yet
    assert (
        client.get(
            f"/api/v1/patients/{clinic.patient_a.pk}", headers={"Authorization": f"Bearer {secret}"}
        ).status_code
        == 200
    )
    client.post(reverse("tokens:revoke", args=[row.pk]), {"back": "mine"})
    assert "revoked" in client.get(page).content.decode()


def test_a_token_without_any_scope_is_refused_on_the_form(clinic: Clinic) -> None:
    client = signed_in(clinic, Role.NURSE)
    answer = client.post(reverse("tokens:mine"), {"name": "x", "lifetime_days": "30"})
    assert answer.status_code == 200
    assert "at least one area" in answer.content.decode()
    assert not ApiToken.objects.exists()


def test_only_staff_reach_their_tokens_and_only_administrators_the_sites(clinic: Clinic) -> None:
    for role in (Role.PATIENT, Role.RESEARCHER):
        assert signed_in(clinic, role).get(reverse("tokens:mine")).status_code == 403
    for role in (Role.SURGEON, Role.NURSE, Role.PHYSIOTHERAPIST):
        assert signed_in(clinic, role).get(reverse("tokens:site")).status_code == 403
    assert signed_in(clinic, Role.ADMIN).get(reverse("tokens:site")).status_code == 200
    assert Client().get(reverse("tokens:mine")).status_code == 302  # to sign in


def test_an_administrator_makes_an_integration_token_for_a_staff_account(clinic: Clinic) -> None:
    client = signed_in(clinic, Role.ADMIN)
    nurse = clinic.user(Role.NURSE)
    made = client.post(
        reverse("tokens:site"),
        {
            "name": "PACS bridge",
            "acts_as": str(nurse.pk),
            "lifetime_days": "365",
            "scope_radiographs": "write",
        },
    )
    assert made.status_code == 200, made.content
    row = ApiToken.objects.get()
    assert (row.kind, row.user, row.created_by, row.site) == (
        TokenKind.INTEGRATION,
        nurse,
        clinic.user(Role.ADMIN),
        nurse.site,
    )
    # the account it acts as sees it on its own page, and may revoke it
    assert (
        row.shown_prefix
        in signed_in(clinic, Role.NURSE).get(reverse("tokens:mine")).content.decode()
    )
    patient = clinic.user(Role.PATIENT)
    refused = client.post(
        reverse("tokens:site"),
        {
            "name": "Bad",
            "acts_as": str(patient.pk),
            "lifetime_days": "30",
            "scope_patients": "read",
        },
    )
    assert refused.status_code == 200
    assert ApiToken.objects.count() == 1


def _tokens_page(clinic: Clinic) -> list[str]:
    return [reverse("tokens:mine"), reverse("people:account")]


def test_the_personal_token_form_boundaries(clinic: Clinic) -> None:
    case = FormCase(
        "new personal token",
        signed_in(clinic, Role.SURGEON, collect=True),
        reverse("tokens:mine"),
        valid=lambda: {
            "name": f"Script {next(_names)}",
            "lifetime_days": "90",
            "scope_patients": "read",
        },
        reload=lambda: _tokens_page(clinic),
    )
    sweep(case).check()
    assert ApiToken.objects.exists(), "no boundary value was ever accepted"
    lifetimes = {t.expires_at - t.created_at for t in ApiToken.objects.all()}
    assert max(lifetimes).days <= 365


def test_the_integration_token_form_boundaries(clinic: Clinic) -> None:
    case = FormCase(
        "new integration token",
        signed_in(clinic, Role.ADMIN, collect=True),
        reverse("tokens:site"),
        valid=lambda: {
            "name": f"Bridge {next(_names)}",
            "acts_as": str(clinic.user(Role.NURSE).pk),
            "lifetime_days": "90",
            "scope_radiographs": "write",
        },
        reload=lambda: [reverse("tokens:site"), reverse("people:users")],
    )
    sweep(case).check()
    assert ApiToken.objects.filter(kind=TokenKind.INTEGRATION).exists()
