"""API tokens: made on the pages, shown once, kept as a keyed digest, scoped, expiring, revoked."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pydantic import ValidationError as PydanticError
from pytest_django import Settings

from halluxpath.accounts.models import Role, User
from halluxpath.api import actions, scopes, tokens
from halluxpath.api.actions import IssuedToken
from halluxpath.api.models import ApiToken, TokenKind
from halluxpath.api.schemas import MAX_LIFETIME_DAYS, NewIntegrationToken, NewToken
from halluxpath.audit.context import Actor
from halluxpath.audit.models import AuditEvent
from tests.api.problems import problem
from tests.conftest import Clinic, make_site

pytestmark = pytest.mark.django_db


def issue(user: User, *granted: str, days: int = 30) -> IssuedToken:
    data = NewToken(name="Nightly export", lifetime_days=days, scopes=granted or ("patients:read",))
    return actions.create_personal_token(Actor(user), data)


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def get(path: str, secret: str) -> Any:
    return Client().get(path, headers=bearer(secret))


def post(path: str, body: Any, secret: str) -> Any:
    return Client(enforce_csrf_checks=True).post(
        path, json.dumps(body), content_type="application/json", headers=bearer(secret)
    )


# --- the secret ----------------------------------------------------------------------------


def test_the_secret_is_never_stored_only_its_keyed_digest(clinic: Clinic) -> None:
    issued = issue(clinic.user(Role.NURSE))
    secret = issued.secret
    assert secret.startswith(f"hxp_{issued.row.prefix}_")
    assert len(secret) > 50
    row = ApiToken.objects.values().get(pk=issued.row.pk)
    assert not any(isinstance(v, str) and secret in v for v in row.values())
    assert not any(
        isinstance(v, str) and issued.row.prefix + "_" in v and len(v) > 20
        for v in row.values()
        if v != row["digest"]
    )
    assert row["digest"] == tokens.digest(secret)
    assert row["digest"] != tokens.digest(secret, key="another key")
    every_event = json.dumps(list(AuditEvent.objects.values_list("detail", flat=True)))
    assert secret not in every_event
    assert issued.row.shown_prefix in every_event  # the audit names the public part


def test_a_token_made_under_a_rotated_key_still_works(clinic: Clinic, settings: Settings) -> None:
    issued = issue(clinic.user(Role.NURSE))
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "a new key " * 5
    problem(get(f"/api/v1/patients/{clinic.patient_a.pk}", issued.secret), 401)
    settings.SECRET_KEY_FALLBACKS = [old]
    assert get(f"/api/v1/patients/{clinic.patient_a.pk}", issued.secret).status_code == 200


@pytest.mark.parametrize(
    "presented",
    [
        "",
        "hxp",
        "hxp__",
        "hxp_0123456789_",
        "hxp_zzzzzzzzzz_abc",
        "not a token at all",
        "hxp_" + "a" * 300,
        "\u0000\u202e",
    ],
)
def test_a_malformed_token_is_a_401_problem(clinic: Clinic, presented: str) -> None:
    body = problem(get(f"/api/v1/patients/{clinic.patient_a.pk}", presented), 401)
    assert body["type"].endswith("invalid-token")


def test_the_right_prefix_with_a_wrong_secret_is_unknown(clinic: Clinic) -> None:
    issued = issue(clinic.user(Role.NURSE))
    forged = issued.secret[:-4] + ("AAAA" if not issued.secret.endswith("AAAA") else "BBBB")
    answer = get(f"/api/v1/patients/{clinic.patient_a.pk}", forged)
    problem(answer, 401, says="not known")
    assert answer["WWW-Authenticate"].startswith("Bearer")


# --- acting as its account, narrowed by its scopes -------------------------------------------


def test_a_token_acts_as_its_account_with_the_same_visibility(clinic: Clinic) -> None:
    issued = issue(clinic.user(Role.NURSE), "patients:read")
    seen = get(f"/api/v1/patients/{clinic.patient_a.pk}", issued.secret)
    assert seen.status_code == 200, seen.content
    assert seen.json()["hospital_number"] == "A-0001"
    problem(get(f"/api/v1/patients/{clinic.patient_b.pk}", issued.secret), 404)  # team B


def test_a_read_scope_does_not_write_and_another_area_is_out_of_scope(clinic: Clinic) -> None:
    issued = issue(clinic.user(Role.NURSE), "patients:read")
    episode = clinic.patient_a.episodes.get()
    refused = post(
        f"/api/v1/episodes/{episode.pk}/status",
        {"version": episode.version, "to_status": "assessed"},
        issued.secret,
    )
    body = problem(refused, 403, says="patients:write")
    assert body["type"].endswith("insufficient-scope")
    assert 'error="insufficient_scope"' in refused["WWW-Authenticate"]
    assert get(f"/api/v1/episodes/{episode.pk}/journey", issued.secret).status_code == 200
    problem(get("/api/v1/radiographs/1", issued.secret), 403, says="radiographs:read")


def test_write_includes_read_and_the_role_still_decides(clinic: Clinic) -> None:
    physio = issue(clinic.user(Role.PHYSIOTHERAPIST), "patients:write")
    episode = clinic.patient_a.episodes.get()
    assert get(f"/api/v1/episodes/{episode.pk}", physio.secret).status_code == 200
    # the scope allows writing; the physiotherapist's role does not (unchanged by the token)
    refused = post(
        f"/api/v1/episodes/{episode.pk}/status",
        {"version": episode.version, "to_status": "assessed"},
        physio.secret,
    )
    problem(refused, 403)


def test_a_token_needs_no_csrf_token_but_a_session_does(clinic: Clinic) -> None:
    nurse = clinic.user(Role.NURSE)
    issued = issue(nurse, "patients:write")
    episode = clinic.patient_a.episodes.get()
    body = {"version": episode.version, "to_status": "assessed", "note": ""}
    session = Client(enforce_csrf_checks=True)
    session.force_login(nurse)
    refused = session.post(
        f"/api/v1/episodes/{episode.pk}/status", json.dumps(body), content_type="application/json"
    )
    problem(refused, 403, says="CSRF")
    done = post(f"/api/v1/episodes/{episode.pk}/status", body, issued.secret)
    assert done.status_code in (200, 422), done.content  # an answer from the action, not CSRF
    assert done.status_code != 403


def test_the_stateless_measures_need_only_read(clinic: Clinic) -> None:
    issued = issue(clinic.user(Role.NURSE), "measurements:read")
    answer = post("/api/v1/measurements/compute", {"schema": "nothing"}, issued.secret)
    problem(answer, 422)  # refused by the parser, past the scope check


# --- expiry, revocation, site ----------------------------------------------------------------


def test_an_expired_token_is_refused_from_its_expiry_instant(clinic: Clinic) -> None:
    issued = issue(clinic.user(Role.NURSE))
    url = f"/api/v1/patients/{clinic.patient_a.pk}"
    ApiToken.objects.filter(pk=issued.row.pk).update(
        expires_at=timezone.now() + timedelta(seconds=30)
    )
    assert get(url, issued.secret).status_code == 200
    ApiToken.objects.filter(pk=issued.row.pk).update(expires_at=timezone.now())
    problem(get(url, issued.secret), 401, says="expired")


def test_revocation_works_at_once(clinic: Clinic) -> None:
    nurse = clinic.user(Role.NURSE)
    issued = issue(nurse)
    url = f"/api/v1/patients/{clinic.patient_a.pk}"
    assert get(url, issued.secret).status_code == 200
    page = Client()
    page.force_login(nurse)
    answer = page.post(reverse("tokens:revoke", args=[issued.row.pk]))
    assert answer.status_code == 302
    problem(get(url, issued.secret), 401, says="revoked")
    with pytest.raises(Exception, match="already revoked"):
        actions.revoke_token(Actor(nurse), issued.row.pk)


def test_a_token_is_bound_to_its_site(clinic: Clinic) -> None:
    nurse = clinic.user(Role.NURSE)
    issued = issue(nurse)
    url = f"/api/v1/patients/{clinic.patient_a.pk}"
    User.objects.filter(pk=nurse.pk).update(site=make_site("elsewhere", "Elsewhere hospital"))
    problem(get(url, issued.secret), 401, says="bound to")


def test_a_deactivated_account_s_tokens_stop(clinic: Clinic) -> None:
    nurse = clinic.user(Role.NURSE)
    issued = issue(nurse)
    User.objects.filter(pk=nurse.pk).update(is_active=False)
    problem(get(f"/api/v1/patients/{clinic.patient_a.pk}", issued.secret), 401, says="account")


def test_nobody_else_revokes_a_personal_token(clinic: Clinic) -> None:
    issued = issue(clinic.user(Role.NURSE))
    other = Client()
    other.force_login(clinic.user(Role.SURGEON))
    assert other.post(reverse("tokens:revoke", args=[issued.row.pk])).status_code == 404
    admin = Client()
    admin.force_login(clinic.user(Role.ADMIN))
    assert admin.post(reverse("tokens:revoke", args=[issued.row.pk])).status_code == 302
    assert ApiToken.objects.get(pk=issued.row.pk).revoked_at is not None


# --- last use, audit, rate limit -------------------------------------------------------------


def test_last_use_is_recorded_at_most_once_a_minute(clinic: Clinic) -> None:
    issued = issue(clinic.user(Role.NURSE))
    url = f"/api/v1/patients/{clinic.patient_a.pk}"
    assert ApiToken.objects.get(pk=issued.row.pk).last_used_at is None
    get(url, issued.secret)
    first = ApiToken.objects.get(pk=issued.row.pk).last_used_at
    assert first is not None
    get(url, issued.secret)
    assert ApiToken.objects.get(pk=issued.row.pk).last_used_at == first
    earlier = first - actions.LAST_USE_EVERY
    ApiToken.objects.filter(pk=issued.row.pk).update(last_used_at=earlier)
    get(url, issued.secret)
    row = ApiToken.objects.get(pk=issued.row.pk)
    assert row.last_used_at is not None
    assert row.last_used_at > earlier
    assert row.last_used_from == "127.0.0.1"


def test_every_api_call_is_audited_with_its_token(clinic: Clinic) -> None:
    nurse = clinic.user(Role.NURSE)
    issued = issue(nurse)
    before = AuditEvent.objects.count()
    get(f"/api/v1/patients/{clinic.patient_a.pk}", issued.secret)
    get(f"/api/v1/patients/{clinic.patient_b.pk}", issued.secret)  # hidden: 404
    calls = list(AuditEvent.objects.filter(action="api_call").order_by("id"))
    assert [(c.outcome, c.detail["status"]) for c in calls] == [("success", 200), ("denied", 404)]
    for call in calls:
        assert call.actor_id == nurse.pk
        assert call.object_type == "api_token"
        assert call.object_id == str(issued.row.pk)
        assert call.detail["token"] == issued.row.shown_prefix
        assert call.detail["signed_in_with"] == "token"
    view = AuditEvent.objects.filter(action="view", outcome="success").latest("id")
    assert view.actor_id == nurse.pk
    assert view.patient_id == clinic.patient_a.pk  # the page-view event of the record shown
    assert AuditEvent.objects.count() > before


def test_a_refused_token_and_a_session_call_are_audited_too(clinic: Clinic) -> None:
    issued = issue(clinic.user(Role.NURSE))
    ApiToken.objects.filter(pk=issued.row.pk).update(revoked_at=timezone.now())
    get(f"/api/v1/patients/{clinic.patient_a.pk}", issued.secret)
    refused = AuditEvent.objects.filter(action="api_call").latest("id")
    assert (refused.outcome, refused.actor_id, refused.object_id) == (
        "denied",
        None,
        str(issued.row.pk),
    )
    session = Client()
    session.force_login(clinic.user(Role.SURGEON))
    session.get(f"/api/v1/patients/{clinic.patient_a.pk}")
    call = AuditEvent.objects.filter(action="api_call").latest("id")
    assert call.detail["signed_in_with"] == "session"
    assert call.actor_id == clinic.user(Role.SURGEON).pk


def test_too_many_requests_with_one_token_get_429(clinic: Clinic, settings: Settings) -> None:
    settings.HALLUXPATH_API_TOKEN_RATE = "3/minute"
    cache.clear()
    issued = issue(clinic.user(Role.NURSE))
    other = issue(clinic.user(Role.SURGEON))
    url = f"/api/v1/patients/{clinic.patient_a.pk}"
    assert [get(url, issued.secret).status_code for _ in range(3)] == [200, 200, 200]
    answer = get(url, issued.secret)
    problem(answer, 429, says="Too many requests")
    assert 1 <= int(answer["Retry-After"]) <= 60
    assert get(url, other.secret).status_code == 200  # the limit is per token
    session = Client()
    session.force_login(clinic.user(Role.NURSE))
    assert session.get(url).status_code == 200  # a person at a page is not limited
    cache.clear()


# --- scopes and the typed input --------------------------------------------------------------


def test_the_scope_vocabulary() -> None:
    assert len(scopes.ALL_SCOPES) == 2 * len(scopes.Area)
    assert scopes.normalised(["patients:write", "patients:read", "aftercare:read"]) == (
        "patients:write",
        "aftercare:read",
    )
    with pytest.raises(ValueError, match="unknown scope"):
        scopes.normalised(["patients:delete"])
    assert scopes.grants(["surgery:write"], scopes.Area.SURGERY, scopes.Access.READ)
    assert not scopes.grants(["surgery:read"], scopes.Area.SURGERY, scopes.Access.WRITE)
    assert not scopes.grants(["surgery:write"], scopes.Area.PATIENTS, scopes.Access.READ)


@pytest.mark.parametrize(
    ("days", "accepted"), [(0, False), (1, True), (MAX_LIFETIME_DAYS, True), (366, False)]
)
def test_the_lifetime_boundaries(days: int, accepted: bool) -> None:
    def make() -> NewToken:
        return NewToken(name="x", lifetime_days=days, scopes=("patients:read",))

    if accepted:
        assert make().lifetime_days == days
    else:
        with pytest.raises(PydanticError):
            make()


@pytest.mark.parametrize(
    "bad",
    [
        {"name": "", "scopes": ("patients:read",)},
        {"name": "   ", "scopes": ("patients:read",)},
        {"name": "x" * 101, "scopes": ("patients:read",)},
        {"name": "x", "scopes": ()},
        {"name": "x", "scopes": ("everything",)},
    ],
)
def test_a_token_needs_a_name_and_a_known_scope(bad: dict[str, Any]) -> None:
    with pytest.raises(PydanticError):
        NewToken(**bad)


def test_a_new_token_expires_after_its_lifetime(clinic: Clinic) -> None:
    issued = issue(clinic.user(Role.NURSE), days=MAX_LIFETIME_DAYS)
    lifetime = issued.row.expires_at - issued.row.created_at
    assert lifetime == timedelta(days=MAX_LIFETIME_DAYS)


def test_only_staff_hold_tokens_and_only_administrators_make_integration_tokens(
    clinic: Clinic,
) -> None:
    with pytest.raises(Exception, match="staff"):
        issue(clinic.user(Role.PATIENT))
    data = NewIntegrationToken(
        name="PACS bridge",
        lifetime_days=90,
        scopes=("radiographs:write",),
        acts_as=clinic.user(Role.NURSE).pk,
    )
    with pytest.raises(Exception, match="administrators"):
        actions.create_integration_token(Actor(clinic.user(Role.SURGEON)), data)
    made = actions.create_integration_token(Actor(clinic.user(Role.ADMIN)), data)
    assert (made.row.kind, made.row.user, made.row.created_by) == (
        TokenKind.INTEGRATION,
        clinic.user(Role.NURSE),
        clinic.user(Role.ADMIN),
    )
    for account in (clinic.user(Role.PATIENT), clinic.user(Role.RESEARCHER)):
        wrong = data.model_copy(update={"acts_as": account.pk})
        with pytest.raises(Exception, match="staff account"):
            actions.create_integration_token(Actor(clinic.user(Role.ADMIN)), wrong)
