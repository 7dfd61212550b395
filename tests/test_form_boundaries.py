"""Every form, every field, every boundary value: a form error or a success, never a 500.

After each field's sweep every page and download of the record is loaded
again and must render (issue 12, Tests). The forms of each area are listed
here as cases; tests/boundaries.py does the rest.
"""

from __future__ import annotations

import itertools

import pytest
from django.test import Client
from django.urls import reverse

from halluxpath.accounts.models import Role
from tests.boundaries import FormCase, sweep
from tests.conftest import Clinic

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)


def _signed_in(clinic: Clinic, role: str) -> Client:
    # Collect every 500 of a sweep instead of stopping at the first exception.
    client = Client(raise_request_exception=False)
    client.force_login(clinic.user(role))
    return client


def _patient_pages(clinic: Clinic) -> list[str]:
    patient = clinic.patient_a
    return [reverse("patients:detail", args=[patient.pk]), reverse("patients:worklist")]


def test_patient_registration(clinic: Clinic) -> None:
    surgeon = clinic.user(Role.SURGEON)
    case = FormCase(
        "register patient",
        _signed_in(clinic, Role.NURSE),
        reverse("patients:create"),
        valid=lambda: {
            "patient-hospital_number": f"N-{next(_numbers):05d}",
            "patient-given_name": "Mary",
            "patient-family_name": "Seacole",
            "patient-date_of_birth": "1955-03-01",
            "patient-sex": "female",
            "episode-side": "left",
            "episode-diagnosis": "Hallux valgus",
            "episode-care_team": str(clinic.team_a.pk),
            "episode-responsible_surgeon": str(surgeon.pk),
            "episode-referred_on": "2026-03-01",
        },
        reload=lambda: [reverse("patients:worklist")],
    )
    result = sweep(case)
    result.check()
    assert result.saved, "no boundary value was ever accepted: is the valid payload valid?"


def test_patient_details(clinic: Clinic) -> None:
    patient = clinic.patient_a
    case = FormCase(
        "edit patient",
        _signed_in(clinic, Role.NURSE),
        reverse("patients:edit", args=[patient.pk]),
        reload=lambda: _patient_pages(clinic),
    )
    result = sweep(case)
    result.check()
    assert result.saved, "no boundary value was ever accepted: is the valid payload valid?"


def test_episode_forms(clinic: Clinic) -> None:
    patient = clinic.patient_a
    episode = patient.episodes.get()
    client = _signed_in(clinic, Role.SURGEON)
    sweep(
        FormCase(
            "new episode",
            client,
            reverse("patients:episode_create", args=[patient.pk]),
            valid=lambda: {
                "side": "right",
                "diagnosis": "Hallux valgus",
                "care_team": str(clinic.team_a.pk),
                "responsible_surgeon": str(clinic.user(Role.SURGEON).pk),
                "referred_on": "2026-03-01",
            },
            reload=lambda: _patient_pages(clinic),
        )
    ).check()
    sweep(
        FormCase(
            "edit episode",
            client,
            reverse("patients:episode_edit", args=[episode.pk]),
            reload=lambda: _patient_pages(clinic),
        )
    ).check()
