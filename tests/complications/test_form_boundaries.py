"""Every field of the complications forms, given its type's boundary values, answers with a
form error or a success, never a server error; every page of the record still renders."""

from __future__ import annotations

import itertools

from django.test import Client
from django.urls import reverse

from halluxpath.complications.models import Complication, RecurrenceProposal
from tests.boundaries import FormCase, sweep
from tests.complications.conftest import Operated
from tests.complications.test_pages import POSTED, proposal

_counter = itertools.count()


def _client(operated: Operated, client: Client) -> Client:
    client.raise_request_exception = True
    client.force_login(operated.surgeon)
    return client


def _pages(operated: Operated) -> list[str]:
    episode = operated.episode.pk
    urls = [reverse("patients:episode", args=[episode])]
    urls += [
        reverse("complications:detail", args=[c.pk])
        for c in Complication.objects.order_by("-pk")[:2]
    ]
    urls += [
        reverse("complications:proposal", args=[p.pk]) for p in RecurrenceProposal.objects.all()
    ]
    return urls


def test_the_new_complication_form(operated: Operated, client: Client) -> None:
    url = reverse("complications:episode", args=[operated.episode.pk])
    case = FormCase(
        "record complication",
        _client(operated, client),
        url,
        valid=lambda: dict(POSTED),
        reload=lambda: _pages(operated),
    )
    result = sweep(case)
    result.check()
    assert result.saved, "no boundary value was ever accepted: is the valid payload valid?"


def test_the_amendment_and_entered_in_error_forms(operated: Operated, client: Client) -> None:
    surgeon = _client(operated, client)
    surgeon.post(reverse("complications:episode", args=[operated.episode.pk]), POSTED)
    complication = Complication.objects.get()
    page = reverse("complications:detail", args=[complication.pk])
    amend = FormCase(
        "amend complication",
        surgeon,
        page,
        post_to=reverse("complications:amend", args=[complication.pk]),
        fields=lambda name: name.startswith("amend-"),
        valid=lambda: {
            "amend-treatment": f"Antibiotics, course {next(_counter)}",
            "amend-reason": "Corrected at review",
        },
        reload=lambda: _pages(operated),
    )
    result = sweep(amend)
    result.check()
    assert result.saved
    error = FormCase(
        "entered in error",
        surgeon,
        page,
        post_to=reverse("complications:error", args=[complication.pk]),
        fields=lambda name: name.startswith("error-"),
        valid=lambda: {"error-reason": "Wrong patient"},
        reload=lambda: _pages(operated),
    )
    sweep(error).check()


def test_the_recurrence_decision_forms(operated: Operated, client: Client) -> None:
    surgeon = _client(operated, client)
    found = proposal(operated)
    page = reverse("complications:proposal", args=[found.pk])
    reject = FormCase(
        "reject recurrence",
        surgeon,
        page,
        post_to=reverse("complications:reject", args=[found.pk]),
        fields=lambda name: name.startswith("reject-"),
        valid=lambda: {"reject-reason": "Rotated film"},
        reload=lambda: _pages(operated),
    )
    sweep(reject).check()
    second = operated.film(400)
    operated.measure(second, 26.0)
    other = RecurrenceProposal.objects.get(radiograph=second)
    confirm = FormCase(
        "confirm recurrence",
        surgeon,
        reverse("complications:proposal", args=[other.pk]),
        post_to=reverse("complications:confirm", args=[other.pk]),
        fields=lambda name: name.startswith("confirm-"),
        valid=lambda: {"confirm-grade_system": "clavien_dindo", "confirm-grade": "I"},
        reload=lambda: _pages(operated),
    )
    sweep(confirm).check()
