"""Signing in: passwords, throttling, idle timeout, and pages without internals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import Settings

from halluxpath.accounts.models import Role, User
from halluxpath.audit.models import AuditEvent
from tests.conftest import make_user

PASSWORD = "a-long-enough-pass-phrase"


@pytest.fixture
def surgeon(db: None) -> User:
    return make_user("dr-who", Role.SURGEON, password=PASSWORD)


def sign_in(client: Client, username: str, password: str) -> int:
    response = client.post(reverse("accounts:login"), {"username": username, "password": password})
    return response.status_code


def test_sign_in_and_out_are_audited(client: Client, surgeon: User) -> None:
    assert sign_in(client, "dr-who", PASSWORD) == 302
    client.post(reverse("accounts:logout"))
    actions = list(AuditEvent.objects.order_by("id").values_list("action", "outcome"))
    assert ("login", "success") in actions
    assert ("logout", "success") in actions


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(
    client: Client, surgeon: User
) -> None:
    response = client.post(
        reverse("accounts:login"), {"username": "dr-who", "password": "wrong-password-here"}
    )
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()
    failed = AuditEvent.objects.get(action="login", outcome="failed")
    assert failed.detail == {"username": "dr-who"}


def test_repeated_wrong_passwords_lock_the_account_even_with_the_right_one(
    client: Client, surgeon: User, settings: Settings
) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "dr-who", "wrong-password-here")
    response = client.post(reverse("accounts:login"), {"username": "dr-who", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_lockout_for_one_user_does_not_lock_out_another(
    client: Client, surgeon: User, settings: Settings
) -> None:
    make_user("nurse-x", Role.NURSE, password=PASSWORD)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "dr-who", "wrong-password-here")
    assert sign_in(client, "nurse-x", PASSWORD) == 302


def test_staff_sessions_end_after_fifteen_minutes_idle(client: Client, surgeon: User) -> None:
    client.force_login(surgeon)
    assert client.get(reverse("patients:worklist")).status_code == 200
    assert client.session.get_expiry_age() == 15 * 60
    session = Session.objects.get(session_key=client.session.session_key)
    session.expire_date = timezone.now() - timedelta(seconds=1)
    session.save()
    response = client.get(reverse("patients:worklist"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("accounts:login"))


def test_patients_get_a_longer_idle_time_than_staff(client: Client, db: None) -> None:
    patient = make_user("pat", Role.PATIENT)
    client.force_login(patient)
    client.get(reverse("patients:me"))
    assert client.session.get_expiry_age() == 60 * 60


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short1!", "too short"),
        ("password12345", "too common"),
        ("123456789012345", "entirely numeric"),
    ],
)
def test_weak_passwords_are_refused(db: None, password: str, reason: str) -> None:
    with pytest.raises(ValidationError, match=reason):
        validate_password(password)


def test_unknown_pages_show_a_friendly_404_without_internals(client: Client, surgeon: User) -> None:
    client.force_login(surgeon)
    response = client.get("/no/such/page/")
    body = response.content.decode()
    assert response.status_code == 404
    assert "could not find that page" in body
    assert "Traceback" not in body
    assert "urlpatterns" not in body


def test_a_server_error_shows_a_friendly_page_without_internals(
    client: Client, surgeon: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    from halluxpath.patients import views

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(views, "_search", explode)
    client.raise_request_exception = False
    client.force_login(surgeon)
    response = client.get(reverse("patients:worklist"), {"q": "x"})
    body = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in body
    assert "secret internal detail" not in body
    assert "Traceback" not in body


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, db: None) -> None:
    for name in ("patients:worklist", "patients:me", "audit:events", "home"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.headers["Location"].startswith(reverse("accounts:login"))


def test_a_form_without_its_csrf_token_is_refused_with_a_clear_page(surgeon: User) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(surgeon)
    response = client.post(reverse("patients:create"), {})
    assert response.status_code == 403
    assert "form has expired" in response.content.decode()
