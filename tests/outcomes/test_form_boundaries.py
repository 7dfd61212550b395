"""Boundary sweeps of the questionnaire forms (tests/boundaries.py): never a server error,
and every page of the record still renders afterwards."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from halluxpath.accounts.models import Role
from halluxpath.outcomes.models import QuestionnaireResponse
from halluxpath.patients.models import Episode
from tests.boundaries import FormCase, sweep
from tests.conftest import Clinic
from tests.outcomes.conftest import operated, site_today


def _client(clinic: Clinic, role: str) -> Client:
    client = Client()
    client.force_login(clinic.user(role))
    return client


def _staff_pages(episode: Episode) -> list[str]:
    return [
        reverse("patients:episode", args=[episode.pk]),
        reverse("outcomes:completion"),
        reverse("outcomes:to_call"),
    ]


def test_boundary_sweep_of_a_question(clinic: Clinic, episode: Episode) -> None:
    for instrument, number in (("moxfq", 1), ("eq5d5l", 6)):  # a choice, then a number
        result = sweep(
            FormCase(
                f"question {instrument} {number}",
                _client(clinic, Role.PATIENT),
                reverse("outcomes:item", args=[episode.pk, "6m", instrument, number]),
                valid=lambda: {"move": "next"},
                reload=lambda: [
                    reverse("outcomes:list"),
                    reverse("aftercare:today"),
                    *[
                        reverse("outcomes:send", args=[episode.pk, "6m", i])
                        for i in ("moxfq", "eq5d5l")
                    ],
                ],
            )
        )
        result.check()
        assert result.saved
    assert _client(clinic, Role.NURSE).get(_staff_pages(episode)[0]).status_code == 200


def test_boundary_sweep_of_the_paper_form(clinic: Clinic, episode: Episode) -> None:
    for instrument in ("eq5d5l", "return_to_activity"):
        result = sweep(
            FormCase(
                f"paper {instrument}",
                _client(clinic, Role.NURSE),
                reverse("outcomes:paper", args=[episode.pk, "6m", instrument]),
                valid=lambda: {"completed_on": site_today(episode).isoformat()},
                reload=lambda: _staff_pages(episode),
            )
        )
        result.check()
        assert result.saved
    assert QuestionnaireResponse.objects.filter(on_paper=True).count() == 2
    for url in _staff_pages(episode):
        assert _client(clinic, Role.ADMIN).get(url).status_code == 200


def test_boundary_sweep_of_the_call_note(clinic: Clinic, episode: Episode) -> None:
    operated(episode, 175)
    result = sweep(
        FormCase(
            "call note",
            _client(clinic, Role.NURSE),
            reverse("outcomes:to_call"),
            post_to=reverse("outcomes:note_call"),
            valid=lambda: {"episode_id": str(episode.pk), "time_point": "6m"},
            reload=lambda: _staff_pages(episode),
        )
    )
    result.check()
