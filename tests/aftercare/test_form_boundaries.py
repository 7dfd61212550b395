"""The aftercare forms swept with every field's boundary values: a form error or a success.

Issue 12 (Tests, items 11 and 12): never a 500, and afterwards the plan page,
the leaflet, the calendar file and the patient's pages still render. Forms the
page renders in its context are swept by tests/boundaries.sweep; the forms
rendered once per row (a plan item's change, an alert's acknowledgement) are
posted with the same boundary values here.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from halluxpath.accounts.models import Role
from halluxpath.aftercare.actions import issue_plan
from halluxpath.aftercare.forms import AcknowledgeForm, AdjustItemForm
from halluxpath.aftercare.models import AftercarePlan, Alert, CheckIn
from halluxpath.aftercare.schemas import PlanIssue
from halluxpath.audit.context import Actor
from tests.boundaries import FormCase, boundary_values, sweep
from tests.conftest import Clinic

pytestmark = pytest.mark.django_db


def _client(clinic: Clinic, role: str) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(clinic.user(role))
    return client


def _plan(clinic: Clinic) -> AftercarePlan:
    return issue_plan(
        Actor(clinic.user(Role.NURSE)),
        clinic.patient_a.episodes.get().pk,
        PlanIssue(operated_on=timezone.localdate() - dt.timedelta(days=4)),
    )


def _staff_pages(clinic: Clinic) -> list[str]:
    episode = clinic.patient_a.episodes.get()
    return [
        reverse("aftercare:plan", args=[episode.pk]),
        reverse("aftercare:plan_pdf", args=[episode.pk]),
        reverse("aftercare:triage"),
        reverse("reminders:outbox"),
    ]


def _patient_pages_render(clinic: Clinic) -> None:
    patient = _client(clinic, Role.PATIENT)
    episode = clinic.patient_a.episodes.get()
    for url in (
        reverse("aftercare:today"),
        reverse("aftercare:timeline"),
        reverse("aftercare:documents"),
        reverse("aftercare:calendar"),
        reverse("aftercare:document_plan", args=[episode.pk]),
    ):
        assert patient.get(url).status_code == 200, url


def test_issuing_a_plan(clinic: Clinic) -> None:
    episode = clinic.patient_a.episodes.get()
    result = sweep(
        FormCase(
            "issue plan",
            _client(clinic, Role.NURSE),
            reverse("aftercare:plan", args=[episode.pk]),
            valid=lambda: {"issue": "1"},
            reload=lambda: _staff_pages(clinic),
        )
    )
    result.check()
    assert result.saved
    assert AftercarePlan.objects.get().operated_on >= dt.date(2000, 1, 1)
    _patient_pages_render(clinic)


def test_the_check_in(clinic: Clinic) -> None:
    _plan(clinic)
    result = sweep(
        FormCase(
            "check-in",
            _client(clinic, Role.PATIENT),
            reverse("aftercare:check_in"),
            reload=lambda: [reverse("aftercare:today"), reverse("aftercare:timeline")],
        )
    )
    result.check()
    assert result.saved
    for check_in in CheckIn.objects.all():
        assert (
            _client(clinic, Role.PATIENT)
            .get(reverse("aftercare:check_in_result", args=[check_in.pk]))
            .status_code
            == 200
        )
    for url in _staff_pages(clinic):
        assert _client(clinic, Role.NURSE).get(url).status_code == 200, url


def _each_boundary(form: forms.BaseForm) -> list[tuple[str, str]]:
    return [
        (name, value) for name, field in form.fields.items() for value in boundary_values(field)
    ]


def test_changing_a_plan_item(clinic: Clinic) -> None:
    plan = _plan(clinic)
    nurse = _client(clinic, Role.NURSE)
    url = reverse("aftercare:plan", args=[plan.episode_id])
    for name, value in _each_boundary(AdjustItemForm()):
        plan.refresh_from_db()
        visit = next(i for i in plan.item_list if i["key"] == "visit-2w")
        data = {
            "adjust": "1",
            "version": str(plan.version),
            "item_key": "visit-2w",
            "starts_on": visit["starts_on"],
            "instructions": visit["instructions"],
            "time": "",
            "place": "",
            "reason": "Boundary sweep",
            name: value,
        }
        response = nurse.post(url, data)
        assert response.status_code < 500, (name, value[:40])
    for page in _staff_pages(clinic):
        assert nurse.get(page).status_code == 200, page
    _patient_pages_render(clinic)


def test_acknowledging_an_alert(clinic: Clinic) -> None:
    _plan(clinic)
    patient = _client(clinic, Role.PATIENT)
    nurse = _client(clinic, Role.NURSE)
    quiet = {"pain_score": "4", "discharge": "none", "bleeding": "none", "numbness": "none"}
    for name, value in _each_boundary(AcknowledgeForm()):
        patient.post(reverse("aftercare:check_in"), {**quiet, "calf_pain_or_swelling": "on"})
        alert = Alert.objects.filter(acknowledged_at__isnull=True).latest("pk")
        prefix = f"a{alert.pk}-"
        data = {f"{prefix}response": "called_patient", f"{prefix}note": "Spoke to her", name: ""}
        data.pop(name)
        data[f"{prefix}{name}"] = value
        response = nurse.post(reverse("aftercare:acknowledge", args=[alert.pk]), data)
        assert response.status_code < 500, (name, value[:40])
    assert nurse.get(reverse("aftercare:triage")).status_code == 200


def test_changing_a_pathway_step(clinic: Clinic) -> None:
    from halluxpath.aftercare.models import PathwayTemplate
    from halluxpath.core.pathway import MIS_SCREWS

    template = PathwayTemplate.objects.get(name=MIS_SCREWS.name)
    result = sweep(
        FormCase(
            "pathway step",
            _client(clinic, Role.ADMIN),
            reverse("aftercare:pathway_step", args=[template.pk, "visit-2w"]),
            valid=lambda: {"note": "Boundary sweep"},
            skip=frozenset({"key"}),  # a new key moves the step to another address
            reload=lambda: [
                reverse("aftercare:pathways"),
                reverse("aftercare:pathway", args=[template.pk]),
            ],
        )
    )
    result.check()
    _plan(clinic)  # a plan built from whatever version the sweep left still renders
    _patient_pages_render(clinic)
