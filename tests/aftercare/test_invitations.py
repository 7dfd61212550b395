"""One-time invitation links to the patient portal."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from halluxpath.accounts.models import Role, User
from halluxpath.aftercare.actions import invite
from halluxpath.aftercare.models import Invitation
from halluxpath.audit.context import Actor
from tests.conftest import Clinic

PASSWORD = "a-long-enough-pass-phrase"


def fresh_token(clinic: Clinic) -> str:
    clinic.patient_a.user = None
    clinic.patient_a.save()
    return invite(Actor(clinic.user(Role.NURSE)), clinic.patient_a.pk)


def accept(client: Client, token: str, **overrides: str) -> object:
    data = {"username": "ada.l", "password": PASSWORD, "password_again": PASSWORD, **overrides}
    return client.post(reverse("aftercare:accept_invitation", args=[token]), data, follow=True)


def test_a_patient_accepts_the_link_once_and_lands_on_today(clinic: Clinic, client: Client) -> None:
    token = fresh_token(clinic)
    assert not Invitation.objects.filter(token_hash=token).exists()  # only the hash is kept
    response = accept(client, token)
    assert "Your account is ready" in response.content.decode()  # type: ignore[attr-defined]
    user = User.objects.get(username="ada.l")
    assert user.role == Role.PATIENT
    clinic.patient_a.refresh_from_db()
    assert clinic.patient_a.user == user
    replay = Client().get(reverse("aftercare:accept_invitation", args=[token]))
    assert replay.status_code == 410
    assert "cannot be used" in replay.content.decode()


def test_an_expired_link_is_refused(clinic: Clinic, client: Client) -> None:
    token = fresh_token(clinic)
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = client.get(reverse("aftercare:accept_invitation", args=[token]))
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_a_weak_or_mismatched_password_is_refused_and_the_link_still_works(
    clinic: Clinic, client: Client
) -> None:
    token = fresh_token(clinic)
    weak = accept(client, token, password="password123", password_again="password123")
    assert "too common" in weak.content.decode()  # type: ignore[attr-defined]
    mismatch = accept(client, token, password_again="something-else-entirely")
    assert "not the same" in mismatch.content.decode()  # type: ignore[attr-defined]
    assert not User.objects.filter(username="ada.l").exists()
    assert "Your account is ready" in accept(client, token).content.decode()  # type: ignore[attr-defined]


def test_a_taken_user_name_is_refused_clearly(clinic: Clinic, client: Client) -> None:
    token = fresh_token(clinic)
    response = accept(client, token, username="nurse")
    assert "taken" in response.content.decode()  # type: ignore[attr-defined]


def test_staff_invite_from_the_patient_page_and_read_only_roles_cannot(
    clinic: Clinic, client: Client
) -> None:
    clinic.patient_a.user = None
    clinic.patient_a.save()
    url = reverse("aftercare:invite", args=[clinic.patient_a.pk])
    client.force_login(clinic.user(Role.PHYSIOTHERAPIST))
    assert client.post(url).status_code == 403
    client.force_login(clinic.user(Role.NURSE))
    page = client.post(url).content.decode()
    assert "/invite/" in page
    assert "works once" in page
    client.force_login(clinic.surgeon_b)
    assert client.post(url).status_code == 404


def test_a_patient_who_has_an_account_is_not_invited_again(clinic: Clinic, client: Client) -> None:
    client.force_login(clinic.user(Role.NURSE))
    response = client.post(reverse("aftercare:invite", args=[clinic.patient_a.pk]), follow=True)
    assert "already has a portal account" in response.content.decode()
    assert not Invitation.objects.exists()
