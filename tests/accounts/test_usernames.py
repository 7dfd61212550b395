"""One normal form for user names: what looks the same is the same name, or is refused."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from halluxpath.accounts.models import Role, User
from halluxpath.accounts.usernames import MAX_LENGTH, normalise_username, sign_in_name
from halluxpath.audit.models import AuditEvent
from tests.aftercare.test_invitations import PASSWORD, accept, fresh_token
from tests.conftest import Clinic, make_user


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("surgeon", "surgeon"),
        ("Surgeon", "surgeon"),
        ("ｓurgeon", "surgeon"),  # fullwidth s: NFKC makes it the Latin letter
        ("  ada.l@example.org ", "ada.l@example.org"),
        ("dr_who-2+x", "dr_who-2+x"),
    ],
)
def test_names_are_stored_in_one_form(typed: str, stored: str) -> None:
    assert normalise_username(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "surgeon\u200b",  # zero-width space
        "sur\u200dgeon",  # zero-width joiner
        "\u202esurgeon",  # right-to-left override
        "surgeon\u2066",  # bidi isolate
        "surgeon\ufeff",  # byte-order mark (format character)
        "surgeon\u00ad",  # soft hyphen
        "ѕurgeon",  # Cyrillic dze looks like s
        "surgеon",  # Cyrillic e
        "dr who",
        "",
        "   ",
        "x" * (MAX_LENGTH + 1),
        "<script>",
    ],
)
def test_invisible_confusable_or_odd_names_are_refused(typed: str) -> None:
    with pytest.raises(ValidationError):
        normalise_username(typed)
    if not typed.isprintable() or not typed.strip() or len(typed) > MAX_LENGTH or " " in typed:
        assert sign_in_name(typed) == ""  # invisible, empty or too long: matches nobody


def test_an_account_made_before_names_were_checked_can_still_sign_in(
    client: Client, db: None
) -> None:
    make_user("josé", Role.NURSE, password=PASSWORD)
    response = client.post(reverse("accounts:login"), {"username": "JOSÉ", "password": PASSWORD})
    assert response.status_code == 302


@given(st.text(max_size=200))
def test_the_name_looked_up_at_sign_in_is_visible_short_and_stable(typed: str) -> None:
    name = sign_in_name(typed)
    assert len(name) <= MAX_LENGTH
    assert name.isprintable()
    assert " " not in name
    assert sign_in_name(name) == name


def test_the_invitation_refuses_a_zero_width_space_and_folds_a_fullwidth_letter(
    clinic: Clinic, client: Client
) -> None:
    token = fresh_token(clinic)
    hidden = accept(client, token, username="surgeon\u200b")
    assert "cannot be used" in hidden.content.decode()  # type: ignore[attr-defined]
    wide = accept(client, token, username="ｓurgeon")
    assert "taken" in wide.content.decode()  # type: ignore[attr-defined]  # it is "surgeon"
    assert User.objects.filter(username__iexact="surgeon").count() == 1
    ok = accept(client, token, username="Ada.L")
    assert "Your account is ready" in ok.content.decode()  # type: ignore[attr-defined]
    assert User.objects.filter(username="ada.l", role=Role.PATIENT).exists()


def test_user_names_are_unique_whatever_their_case(db: None) -> None:
    from django.db import IntegrityError, transaction

    make_user("ada", Role.NURSE)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_user("ADA", Role.NURSE)


def test_sign_in_takes_the_name_in_any_case_or_width(client: Client, db: None) -> None:
    make_user("dr-who", Role.SURGEON, password=PASSWORD)
    for typed in ("DR-WHO", "ｄｒ-ｗｈｏ"):
        response = client.post(reverse("accounts:login"), {"username": typed, "password": PASSWORD})
        assert response.status_code == 302, typed
        client.post(reverse("accounts:logout"))


def test_a_name_with_an_invisible_character_signs_nobody_in(client: Client, db: None) -> None:
    make_user("dr-who", Role.SURGEON, password=PASSWORD)
    response = client.post(
        reverse("accounts:login"), {"username": "dr-who\u200b", "password": PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_200000_character_name_at_sign_in_is_refused_and_not_stored(
    client: Client, db: None
) -> None:
    huge = "a" * 200_000
    response = client.post(reverse("accounts:login"), {"username": huge, "password": "whatever"})
    assert response.status_code == 200
    assert 'maxlength="150"' in response.content.decode()
    longest_attempt = max((len(a.username or "") for a in AccessAttempt.objects.all()), default=0)
    assert longest_attempt <= MAX_LENGTH
    for event in AuditEvent.objects.all():
        assert len(str(event.detail)) < 1000
    assert all(len(str(a.post_data or "")) < 1000 for a in AccessAttempt.objects.all())


def test_the_lockout_counts_every_spelling_of_a_name_as_one(client: Client, db: None) -> None:
    from django.conf import settings

    make_user("dr-who", Role.SURGEON, password=PASSWORD)
    spellings = ["DR-WHO", "Dr-Who", "ｄｒ-ｗｈｏ", "dr-who", "DR-who"]
    for typed in spellings[: settings.AXES_FAILURE_LIMIT]:
        client.post(reverse("accounts:login"), {"username": typed, "password": "wrong-password!"})
    response = client.post(reverse("accounts:login"), {"username": "dr-who", "password": PASSWORD})
    assert response.status_code == 429
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {"dr-who"}
