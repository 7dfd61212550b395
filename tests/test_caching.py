"""Pages, files and API answers with patient data are never stored by a browser or proxy."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from halluxpath.accounts.models import Role
from tests.conftest import Clinic


@pytest.mark.django_db
def test_every_django_response_is_private_no_store(clinic: Clinic, client: Client) -> None:
    client.force_login(clinic.user(Role.SURGEON))
    for url in (
        reverse("patients:worklist"),
        reverse("patients:detail", args=[clinic.patient_a.pk]),
        "/api/v1/patients/",
        reverse("patients:detail", args=[999999]),  # a 404 too
    ):
        response = client.get(url)
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url
        assert "max-age" not in response["Cache-Control"], url


@pytest.mark.django_db
def test_sign_in_page_is_not_stored_either(client: Client) -> None:
    response = client.get(reverse("accounts:login"))
    assert response["Cache-Control"] == "private, no-store"
