"""Every form, every field, every boundary value: a form error or a success, never a 500.

After each field's sweep every page and download of the record is loaded
again and must render (issue 12, Tests). The forms of each area are listed
here as cases; tests/boundaries.py does the rest.
"""

from __future__ import annotations

import itertools

import pytest
from django import forms
from django.test import Client
from django.urls import reverse

from halluxpath.accounts.models import Role
from halluxpath.patients.models import Episode
from halluxpath.surgery.models import SafetyChecklist
from tests.boundaries import FormCase, sweep
from tests.conftest import Clinic
from tests.surgery.test_operation import ready

__all__ = ["ready"]

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


def test_the_worklist_theatre_list_and_audit_filters(clinic: Clinic) -> None:
    nurse = _signed_in(clinic, Role.NURSE)
    for name, url in (
        ("worklist filter", reverse("patients:worklist")),
        ("theatre list", reverse("patients:theatre_list")),
    ):
        result = sweep(FormCase(name, nurse, url, method="get"))
        result.check()
    admin = _signed_in(clinic, Role.ADMIN)
    sweep(FormCase("audit filter", admin, reverse("audit:events"), method="get")).check()


def test_the_consent_signature_and_the_checklist(clinic: Clinic, ready: Episode) -> None:
    surgeon = _signed_in(clinic, Role.SURGEON)
    pages = lambda: [  # noqa: E731
        reverse("surgery:consent", args=[ready.pk]),
        reverse("surgery:consent_pdf", args=[ready.pk, 1]),
        reverse("patients:episode", args=[ready.pk]),
        *_patient_pages(clinic),
    ]
    sweep(
        FormCase(
            "consent signature",
            surgeon,
            reverse("surgery:consent", args=[ready.pk]),
            fields=lambda name: name != "csrfmiddlewaretoken",
            valid=lambda: {"action": "signature"},
            reload=pages,
        )
    ).check()
    sweep(
        FormCase(
            "checklist phase",
            surgeon,
            reverse("surgery:checklist", args=[ready.pk]),
            valid=lambda: {
                "phase": "sign_in",
                "version": str(
                    SafetyChecklist.objects.filter(episode=ready)
                    .values_list("version", flat=True)
                    .first()
                    or 1
                ),
                "item": [str(n) for n in range(1, 8)],
                "site_marked": "on",
                "marked_by": "Alex Morgan",
                **{
                    f"team-{role}": "A Person"
                    for role in ("surgeon", "anaesthetist", "scrub_nurse")
                },
            },
            declared={
                "phase": forms.ChoiceField(choices=[("sign_in", "")]),
                "version": forms.IntegerField(),
                "item": forms.MultipleChoiceField(),
                "site_marked": forms.BooleanField(),
                "mark_visible": forms.ChoiceField(choices=[("yes", ""), ("no", "")]),
                "marked_by": forms.CharField(max_length=150),
                "team-surgeon": forms.CharField(max_length=150),
                "team-anaesthetist": forms.CharField(max_length=150),
                "team-scrub_nurse": forms.CharField(max_length=150),
            },
            reload=lambda: [reverse("surgery:checklist", args=[ready.pk]), *pages()],
        )
    ).check()


def test_the_film_calibration_and_comparison(clinic: Clinic, ready: Episode) -> None:
    film = ready.radiographs.get()
    surgeon = _signed_in(clinic, Role.SURGEON)
    film_pages = lambda: [  # noqa: E731
        reverse("imaging:radiograph", args=[film.pk]),
        reverse("imaging:image", args=[film.pk]),
        reverse("imaging:compare", args=[ready.pk]),
        reverse("patients:episode", args=[ready.pk]),
    ]
    calibration = ("version", "x1", "y1", "x2", "y2", "length_mm")
    sweep(
        FormCase(
            "film calibration",
            surgeon,
            reverse("imaging:radiograph", args=[film.pk]),
            post_to=reverse("imaging:calibrate", args=[film.pk]),
            fields=lambda name: name in calibration,
            valid=lambda: {
                "version": str(type(film).objects.get(pk=film.pk).version),
                "x1": "10",
                "y1": "10",
                "x2": "110",
                "y2": "10",
            },
            reload=film_pages,
        )
    ).check()
    sweep(
        FormCase(
            "film comparison",
            surgeon,
            reverse("imaging:compare", args=[ready.pk]),
            method="get",
            declared={"before": forms.IntegerField(), "after": forms.IntegerField()},
            valid=lambda: {"before": str(film.pk), "after": str(film.pk)},
            reload=film_pages,
        )
    ).check()
