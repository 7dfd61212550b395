"""Pages for the page-view tests: the site's URLs plus a few that show records in known ways."""

from __future__ import annotations

import contextlib

from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import include, path

from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.patients.access import episode_for, patient_for


def chart(request: HttpRequest, pk: int) -> HttpResponse:
    """The patient, each of their episodes, and the patient again (as a sidebar would)."""
    actor = Actor.from_request(request)
    patient = patient_for(actor, pk)
    for episode in patient.episodes.all():
        episode_for(actor, episode.pk)
    patient_for(actor, pk)
    return HttpResponse("chart")


def chart_then_crash(request: HttpRequest, pk: int) -> HttpResponse:
    patient_for(Actor.from_request(request), pk)
    raise RuntimeError("the page broke after reading the record")


def two_patients(request: HttpRequest, first: int, second: int) -> HttpResponse:
    actor = Actor.from_request(request)
    patient_for(actor, first)
    patient_for(actor, second)
    return HttpResponse("two")


def refused_then_shown(request: HttpRequest, hidden: int, shown: int) -> HttpResponse:
    actor = Actor.from_request(request)
    with contextlib.suppress(Http404):
        patient_for(actor, hidden)
    patient_for(actor, shown)
    return HttpResponse("one of two")


def change_rolled_back(request: HttpRequest, pk: int) -> HttpResponse:
    actor = Actor.from_request(request)
    patient = patient_for(actor, pk)
    try:
        with transaction.atomic():
            record(actor, "change", object_type="patient", object_id=pk, patient_id=patient.pk)
            raise ValueError("the save failed")
    except ValueError:
        pass
    return HttpResponse("not saved")


urlpatterns = [
    path("test/chart/<int:pk>/", chart),
    path("test/crash/<int:pk>/", chart_then_crash),
    path("test/two/<int:first>/<int:second>/", two_patients),
    path("test/refused/<int:hidden>/<int:shown>/", refused_then_shown),
    path("test/rolled-back/<int:pk>/", change_rolled_back),
    path("", include("halluxpath.site.urls")),
]
