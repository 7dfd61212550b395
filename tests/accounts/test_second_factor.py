"""Staff sign in with a second factor when their site requires it (django-otp)."""

from __future__ import annotations

import re
import time

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from halluxpath.accounts.models import Role, User
from halluxpath.audit.models import AuditEvent
from halluxpath.sites.models import Site
from tests.conftest import first_site, make_user

PASSWORD = "a-long-enough-pass-phrase"


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or ``steps_ahead`` time steps later)."""
    app = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    app.time = time.time() + steps_ahead * device.step
    return f"{app.token():0{device.digits}d}"


@pytest.fixture
def site(db: None) -> Site:
    cache.clear()
    site = first_site()
    site.second_factor_required = True
    site.save()
    return site


@pytest.fixture
def surgeon(site: Site) -> User:
    return make_user("dr-who", Role.SURGEON, password=PASSWORD, site=site)


def sign_in(client: Client, username: str = "dr-who") -> str:
    response = client.post(
        reverse("accounts:login"), {"username": username, "password": PASSWORD}, follow=True
    )
    return response.content.decode()


def enrolled(client: Client) -> tuple[TOTPDevice, list[str]]:
    """Sign in, set up the app from the enrolment page, and return the device and codes."""
    page = sign_in(client)
    assert "Set up your authenticator app" in page
    assert 'src="data:image/svg+xml' in page  # the QR code is inline, no outside service
    device = TOTPDevice.objects.get(user__username="dr-who", confirmed=False)
    response = client.post(reverse("people:enrol"), {"token": code_for(device)})
    body = response.content.decode()
    assert "shown only now" in body
    assert "no-store" in response.headers["Cache-Control"]  # secrets are not kept by browsers
    codes = re.findall(r"<code>([0-9a-z]+)</code>", body)
    device.refresh_from_db()
    assert device.confirmed
    return device, codes


def test_staff_without_a_device_are_sent_to_set_one_up_and_cannot_skip_it(
    client: Client, surgeon: User
) -> None:
    sign_in(client)
    response = client.get(reverse("patients:worklist"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("people:enrol"))
    assert client.get("/api/v1/patients").status_code == 401


def test_enrolment_with_a_real_code_opens_the_pages_and_shows_ten_recovery_codes(
    client: Client, surgeon: User
) -> None:
    _, codes = enrolled(client)
    assert len(codes) == 10
    assert client.get(reverse("patients:worklist")).status_code == 200
    assert StaticToken.objects.filter(device__user=surgeon).count() == 10
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"start_second_factor", "confirm_second_factor"} <= actions


def test_a_wrong_code_does_not_confirm_the_device(client: Client, surgeon: User) -> None:
    sign_in(client)
    response = client.post(reverse("people:enrol"), {"token": "000000"})
    assert "not right" in response.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    assert client.get(reverse("patients:worklist")).status_code == 302


def test_next_sign_in_asks_for_a_code_and_a_correct_one_lets_the_surgeon_in(
    surgeon: User,
) -> None:
    device, _ = enrolled(Client())
    client = Client()
    page = sign_in(client)
    assert "Type your code" in page
    assert client.get(reverse("patients:worklist")).status_code == 302
    response = client.post(
        reverse("people:second_factor"), {"token": code_for(device, steps_ahead=1)}
    )
    assert response.status_code == 302
    assert client.get(reverse("patients:worklist")).status_code == 200


def test_a_wrong_code_is_refused_and_audited(surgeon: User) -> None:
    enrolled(Client())
    client = Client()
    sign_in(client)
    response = client.post(reverse("people:second_factor"), {"token": "123456"})
    assert "not right" in response.content.decode()
    assert client.get(reverse("patients:worklist")).status_code == 302
    assert AuditEvent.objects.filter(action="verify_second_factor", outcome="failed").exists()


def test_a_code_cannot_be_used_twice(surgeon: User) -> None:
    device, _ = enrolled(Client())
    code = code_for(device, steps_ahead=1)
    first = Client()
    sign_in(first)
    assert first.post(reverse("people:second_factor"), {"token": code}).status_code == 302
    replay = Client()
    sign_in(replay)
    response = replay.post(reverse("people:second_factor"), {"token": code})
    assert "not right" in response.content.decode()
    assert replay.get(reverse("patients:worklist")).status_code == 302


def test_a_recovery_code_works_once(surgeon: User) -> None:
    _, codes = enrolled(Client())
    first = Client()
    sign_in(first)
    assert first.post(reverse("people:second_factor"), {"token": codes[0]}).status_code == 302
    assert first.get(reverse("patients:worklist")).status_code == 200
    again = Client()
    sign_in(again)
    response = again.post(reverse("people:second_factor"), {"token": codes[0]})
    assert "not right" in response.content.decode()
    assert StaticToken.objects.filter(device__user=surgeon).count() == 9


def test_someone_with_only_the_password_cannot_replace_the_device(surgeon: User) -> None:
    enrolled(Client())
    thief = Client()
    sign_in(thief)
    response = thief.get(reverse("people:enrol"))
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("people:second_factor"))
    assert TOTPDevice.objects.filter(user=surgeon).count() == 1


def test_patients_are_never_asked_for_a_second_factor(client: Client, site: Site) -> None:
    make_user("pat", Role.PATIENT, password=PASSWORD, site=site)
    sign_in(client, "pat")
    assert client.get(reverse("patients:me")).status_code == 200
    assert client.get(reverse("people:enrol")).status_code == 403


def test_a_site_that_does_not_require_it_lets_staff_in_by_password(
    client: Client, surgeon: User, site: Site
) -> None:
    site.second_factor_required = False
    site.save()
    sign_in(client)
    assert client.get(reverse("patients:worklist")).status_code == 200


def test_an_administrator_resets_a_lost_device(surgeon: User, site: Site) -> None:
    enrolled(Client())
    admin = make_user("boss", Role.ADMIN, site=site)
    admin_client = Client()
    admin_client.force_login(admin)
    site.second_factor_required = False  # the admin's own session passes by password
    site.save()
    response = admin_client.post(reverse("people:user_reset_second_factor", args=[surgeon.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=surgeon).exists()
    assert not StaticToken.objects.filter(device__user=surgeon).exists()
