"""One-time invitation links to the patient portal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from halluxpath.accounts.models import Role, User
from halluxpath.aftercare.actions import invite
from halluxpath.aftercare.models import Invitation
from halluxpath.audit.context import Actor
from halluxpath.audit.models import AuditEvent
from halluxpath.reminders.channels import LocmemSmsBackend
from halluxpath.reminders.models import OutboxMessage
from halluxpath.reminders.worker import drain
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


def _link_page(clinic: Clinic, client: Client) -> tuple[str, str]:
    """An invitation made on the patient page: the page and the token it shows once."""
    clinic.patient_a.user = None
    clinic.patient_a.email, clinic.patient_a.phone = "ada@example.org", "07700 900123"
    clinic.patient_a.save()
    client.force_login(clinic.user(Role.NURSE))
    page = client.post(reverse("aftercare:invite", args=[clinic.patient_a.pk])).content.decode()
    token = page.split('name="token" value="')[1].split('"')[0]
    return page, token


def test_staff_send_the_invitation_by_email_from_the_outbox_once(
    clinic: Clinic, client: Client
) -> None:
    page, token = _link_page(clinic, client)
    assert "Send by e-mail to" in page
    assert "Send by text to 07700 900123" in page
    url = reverse("aftercare:send_invitation", args=[clinic.patient_a.pk])
    sent = client.post(url, {"token": token, "channel": "email"}).content.decode()
    assert "The invitation goes to ada@example.org by e-mail" in sent
    client.post(url, {"token": token, "channel": "email"})  # a double tap
    client.post(url, {"token": token, "channel": "sms"})  # and the other button
    message = OutboxMessage.objects.get()
    assert (message.kind, message.channel, message.recipient) == (
        "invitation",
        "email",
        "ada@example.org",
    )
    assert f"/invite/{token}/" in message.body
    assert AuditEvent.objects.filter(object_type="reminder", action="create").count() == 1
    assert drain("w1").sent == 1
    assert drain("w1").sent == 0  # exactly once
    [email] = mail.outbox
    assert f"/invite/{token}/" in email.body
    message.refresh_from_db()
    assert token not in message.body  # the link is not kept once it is out
    # The link still works for the patient.
    accepted = accept(Client(), token)
    assert "Your account is ready" in accepted.content.decode()  # type: ignore[attr-defined]


def test_an_invitation_goes_by_text_message_when_staff_choose_it(
    clinic: Clinic, client: Client, settings: Any
) -> None:
    settings.HALLUXPATH_SMS_BACKEND = "halluxpath.reminders.channels.LocmemSmsBackend"
    LocmemSmsBackend.outbox.clear()
    _, token = _link_page(clinic, client)
    client.post(
        reverse("aftercare:send_invitation", args=[clinic.patient_a.pk]),
        {"token": token, "channel": "sms"},
    )
    assert drain("w1").sent == 1
    [(recipient, body, _)] = LocmemSmsBackend.outbox
    assert recipient == "07700 900123"
    assert f"/invite/{token}/" in body


@pytest.mark.parametrize(
    "form",
    [
        {"channel": "carrier-pigeon"},
        {"channel": "email", "token": "not-the-token"},
        {"channel": "email", "token": "x" * 5000},
        {},
    ],
)
def test_a_bad_send_is_refused_clearly_and_queues_nothing(
    clinic: Clinic, client: Client, form: dict[str, str]
) -> None:
    _, token = _link_page(clinic, client)
    response = client.post(
        reverse("aftercare:send_invitation", args=[clinic.patient_a.pk]), {"token": token, **form}
    )
    assert response.status_code == 422
    assert not OutboxMessage.objects.exists()


def test_a_used_or_other_teams_invitation_is_not_sent(clinic: Clinic, client: Client) -> None:
    _, token = _link_page(clinic, client)
    url = reverse("aftercare:send_invitation", args=[clinic.patient_a.pk])
    client.force_login(clinic.surgeon_b)
    assert client.post(url, {"token": token, "channel": "email"}).status_code == 404
    client.force_login(clinic.user(Role.PHYSIOTHERAPIST))
    assert client.post(url, {"token": token, "channel": "email"}).status_code == 403
    accept(Client(), token)
    client.force_login(clinic.user(Role.NURSE))
    used = client.post(url, {"token": token, "channel": "email"})
    assert "can no longer be sent" in used.content.decode()
    assert not OutboxMessage.objects.exists()
