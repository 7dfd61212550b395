"""Changing a password, and a forgotten one reset by a one-time e-mailed link."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from pytest_django import Settings

from halluxpath.accounts.models import Role, User
from halluxpath.audit.models import AuditEvent
from tests.conftest import make_user

PASSWORD = "a-long-enough-pass-phrase"
NEW = "another-long-pass-phrase"


@pytest.fixture(autouse=True)
def _fresh_limits(settings: Settings) -> None:
    cache.clear()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def nurse(db: None) -> User:
    user = make_user("nurse-n", Role.NURSE, password=PASSWORD)
    user.email = "nurse.n@example.org"
    user.save()
    return user


def change(client: Client, current: str, new: str, again: str | None = None) -> str:
    response = client.post(
        reverse("people:password_change"),
        {"current_password": current, "new_password": new, "new_password_again": again or new},
        follow=True,
    )
    return response.content.decode()


def test_the_site_hashes_passwords_with_full_cost_argon2_and_tests_only_cheapen_it() -> None:
    """Production settings put Django's Argon2 first; the test run swaps in a cheap one."""
    from django.conf import settings
    from django.contrib.auth.hashers import get_hasher

    from halluxpath.site import settings as site_settings

    assert site_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert settings.PASSWORD_HASHERS[0] == "tests.hashers.QuickArgon2PasswordHasher"
    assert get_hasher().algorithm == "argon2"


def test_a_person_changes_their_password_and_stays_signed_in(client: Client, nurse: User) -> None:
    client.force_login(nurse)
    assert "Change your password" in client.get(reverse("people:account")).content.decode()
    page = change(client, PASSWORD, NEW)
    assert "Your password has been changed" in page
    nurse.refresh_from_db()
    assert nurse.check_password(NEW)
    assert client.get(reverse("patients:worklist")).status_code == 200
    assert AuditEvent.objects.filter(action="change_password", outcome="success").exists()


@pytest.mark.parametrize(
    ("current", "new", "again", "message"),
    [
        ("not-my-password-at-all", NEW, None, "not your current password"),
        (PASSWORD, "short", None, "too short"),
        (PASSWORD, "password12345", None, "too common"),
        (PASSWORD, "123456789012345", None, "entirely numeric"),
        (PASSWORD, NEW, "something-else-entirely", "not the same"),
        (PASSWORD, "x" * 5000, None, "at most 4096"),
    ],
)
def test_a_wrong_current_password_or_a_weak_new_one_is_refused(
    client: Client, nurse: User, current: str, new: str, again: str | None, message: str
) -> None:
    client.force_login(nurse)
    page = change(client, current, new, again)
    assert message in page
    nurse.refresh_from_db()
    assert nurse.check_password(PASSWORD)


def ask_reset(client: Client, email: str) -> str:
    response = client.post(reverse("people:password_reset"), {"email": email}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_a_reset_link_is_mailed_and_works_once(client: Client, nurse: User) -> None:
    page = ask_reset(client, "Nurse.N@example.org")
    assert "If the address belongs to an account" in page
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nurse.n@example.org"]
    link = re.search(r"https?://\S+/accounts/password-reset/\S+/", str(message.body))
    assert link is not None
    assert link.group(0).startswith(nurse.site.public_url)
    path = link.group(0)[len(nurse.site.public_url) :]
    form = client.get(path, follow=True)
    assert "Choose a new password" in form.content.decode()
    set_url = form.redirect_chain[-1][0] if form.redirect_chain else path
    done = client.post(set_url, {"new_password1": NEW, "new_password2": NEW}, follow=True)
    assert "Your new password is set" in done.content.decode()
    nurse.refresh_from_db()
    assert nurse.check_password(NEW)
    assert AuditEvent.objects.filter(action="reset_password", actor_id=nurse.pk).exists()
    again = Client().get(path, follow=True)
    assert "cannot be used" in again.content.decode()


def test_a_weak_new_password_from_the_link_is_refused(client: Client, nurse: User) -> None:
    ask_reset(client, nurse.email)
    link = re.search(r"/accounts/password-reset/\S+/", str(mail.outbox[0].body))
    assert link is not None
    form = client.get(link.group(0), follow=True)
    set_url = form.redirect_chain[-1][0]
    page = client.post(
        set_url, {"new_password1": "password12345", "new_password2": "password12345"}
    )
    assert "too common" in page.content.decode()
    nurse.refresh_from_db()
    assert nurse.check_password(PASSWORD)


def test_the_answer_never_says_whether_an_account_exists(client: Client, nurse: User) -> None:
    known = ask_reset(client, nurse.email)
    unknown = ask_reset(Client(REMOTE_ADDR="10.0.0.2"), "nobody@example.org")
    assert known == unknown
    assert len(mail.outbox) == 1


def test_requests_are_limited_per_address(client: Client, nurse: User, settings: Settings) -> None:
    for n in range(settings.PASSWORD_RESET_PER_ADDRESS + 2):
        ask_reset(Client(REMOTE_ADDR=f"10.0.1.{n}"), nurse.email)
    assert len(mail.outbox) == settings.PASSWORD_RESET_PER_ADDRESS


def test_requests_are_limited_per_computer(client: Client, db: None, settings: Settings) -> None:
    for n in range(settings.PASSWORD_RESET_PER_IP + 3):
        person = make_user(f"p{n}", Role.NURSE, password=PASSWORD)
        person.email = f"p{n}@example.org"
        person.save()
        ask_reset(client, person.email)
    assert len(mail.outbox) == settings.PASSWORD_RESET_PER_IP


@pytest.mark.parametrize("email", ["not-an-address", "x" * 300 + "@example.org", "a@@b.org"])
def test_a_malformed_address_gets_a_form_error(client: Client, db: None, email: str) -> None:
    response = client.post(reverse("people:password_reset"), {"email": email})
    assert response.status_code == 200
    assert "form-errors" in response.content.decode()
    assert not mail.outbox


def test_a_deactivated_person_gets_no_link(client: Client, nurse: User) -> None:
    nurse.is_active = False
    nurse.save()
    ask_reset(client, nurse.email)
    assert not mail.outbox
