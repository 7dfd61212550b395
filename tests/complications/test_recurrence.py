"""Recurrence proposed from a measured follow-up film and decided by the surgeon (issue 13 item 4).

DOMAIN §2 and "Decisions taken on top of the literature": HVA above the
site's threshold at 6 months (182 days) or later proposes recurrence; the
surgeon confirms (a complication of kind recurrence) or rejects with a reason.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from halluxpath.audit.context import Actor
from halluxpath.complications import actions
from halluxpath.complications.models import Complication, RecurrenceProposal
from halluxpath.complications.schemas import (
    ConfirmRecurrenceInput,
    EnteredInErrorInput,
    RejectRecurrenceInput,
)
from halluxpath.records import EditConflict
from tests.complications.conftest import Operated

CONFIRM = ConfirmRecurrenceInput.model_validate({"grade_system": "cds_modified", "grade": "I"})


@pytest.mark.parametrize(
    ("hva_deg", "days_after", "proposed"),
    [
        (15.1, 182, True),  # above the threshold at exactly 6 months
        (15.0, 365, False),  # at the threshold: not "> 15"
        (12.0, 365, False),  # below
        (28.0, 181, False),  # above, but before 6 months
        (28.0, 400, True),  # above, a year on
    ],
)
def test_a_proposal_follows_the_rule_at_below_and_above_the_threshold(
    operated: Operated, hva_deg: float, days_after: int, proposed: bool
) -> None:
    film = operated.film(days_after)
    measurement = operated.measure(film, hva_deg)
    assert RecurrenceProposal.objects.filter(measurement=measurement).exists() is proposed
    assert not Complication.objects.exists()  # nothing recorded silently


def test_the_site_threshold_of_20_is_used(operated: Operated) -> None:
    site = operated.episode.patient.site
    site.recurrence_hva_threshold = 20
    site.save()
    operated.measure(operated.film(200), 18.0)
    assert not RecurrenceProposal.objects.exists()
    operated.measure(operated.film(210), 21.0)
    proposal = RecurrenceProposal.objects.get()
    assert (proposal.threshold_deg, proposal.hva_deg, proposal.days_after_operation) == (
        20,
        21.0,
        210,
    )


def test_a_non_standing_film_proposes_nothing(operated: Operated) -> None:
    operated.measure(operated.film(300, weight_bearing=False), 30.0)
    assert not RecurrenceProposal.objects.exists()


def test_an_episode_without_an_operative_record_gets_no_proposal(operated: Operated) -> None:
    operated.episode.operative_record.delete()
    operated.measure(operated.film(300), 30.0)
    assert not RecurrenceProposal.objects.exists()


def test_one_proposal_per_measurement(operated: Operated) -> None:
    film = operated.film(300)
    operated.measure(film, 25.0)
    operated.measure(film, 26.0)  # the same observer measures again
    operated.measure(film, 24.0, by=operated.nurse)
    assert RecurrenceProposal.objects.count() == 3
    assert len(set(RecurrenceProposal.objects.values_list("measurement", flat=True))) == 3


def proposed(operated: Operated, hva_deg: float = 24.0) -> RecurrenceProposal:
    operated.measure(operated.film(300), hva_deg)
    return RecurrenceProposal.objects.get()


def test_confirming_makes_a_complication_of_kind_recurrence(operated: Operated) -> None:
    proposal = proposed(operated)
    complication = actions.confirm_recurrence(operated.actor, proposal.pk, 1, CONFIRM)
    proposal.refresh_from_db()
    assert complication.kind == "recurrence"
    assert complication.onset_on == proposal.radiograph.acquired_on
    assert (complication.grade_system, complication.grade) == ("cds_modified", "I")
    assert "HVA > 15°" in complication.description
    assert (proposal.status, proposal.decided_by, proposal.complication) == (
        "confirmed",
        operated.surgeon,
        complication,
    )


def test_once_confirmed_a_later_film_proposes_no_second_recurrence(operated: Operated) -> None:
    proposal = proposed(operated)
    actions.confirm_recurrence(operated.actor, proposal.pk, 1, CONFIRM)
    operated.measure(operated.film(500), 30.0)
    assert RecurrenceProposal.objects.count() == 1


def test_rejecting_keeps_the_reason_and_records_nothing(operated: Operated) -> None:
    proposal = proposed(operated)
    rejected = actions.reject_recurrence(
        operated.actor, proposal.pk, 1, RejectRecurrenceInput(reason="Film rotated; repeat")
    )
    assert (rejected.status, rejected.reason, rejected.decided_by) == (
        "rejected",
        "Film rotated; repeat",
        operated.surgeon,
    )
    assert not Complication.objects.exists()


def test_a_rejection_needs_a_reason(operated: Operated) -> None:
    proposal = proposed(operated)
    with pytest.raises(ValidationError, match="why"):
        actions.reject_recurrence(operated.actor, proposal.pk, 1, RejectRecurrenceInput(reason=""))


def test_a_decided_proposal_cannot_be_decided_again(operated: Operated) -> None:
    proposal = proposed(operated)
    actions.reject_recurrence(operated.actor, proposal.pk, 1, RejectRecurrenceInput(reason="No"))
    with pytest.raises(ValidationError, match="already decided"):
        actions.confirm_recurrence(operated.actor, proposal.pk, 2, CONFIRM)
    with pytest.raises(EditConflict):
        actions.confirm_recurrence(operated.actor, proposal.pk, 1, CONFIRM)


def test_only_a_surgeon_decides(operated: Operated) -> None:
    proposal = proposed(operated)
    with pytest.raises(PermissionDenied):
        actions.confirm_recurrence(Actor(operated.nurse), proposal.pk, 1, CONFIRM)
    with pytest.raises(PermissionDenied):
        actions.reject_recurrence(
            Actor(operated.physio), proposal.pk, 1, RejectRecurrenceInput(reason="No")
        )


def test_the_confirmed_grade_must_belong_to_its_system(operated: Operated) -> None:
    proposal = proposed(operated)
    wrong = ConfirmRecurrenceInput.model_validate({"grade_system": "cds_modified", "grade": "IIIa"})
    with pytest.raises(ValidationError, match="not a grade of"):
        actions.confirm_recurrence(operated.actor, proposal.pk, 1, wrong)
    assert not Complication.objects.exists()


def test_a_second_open_proposal_cannot_record_a_second_recurrence(operated: Operated) -> None:
    operated.measure(operated.film(300), 24.0)
    operated.measure(operated.film(320), 25.0)
    first, second = RecurrenceProposal.objects.order_by("pk")
    actions.confirm_recurrence(operated.actor, first.pk, 1, CONFIRM)
    with pytest.raises(ValidationError, match="already recorded"):
        actions.confirm_recurrence(operated.actor, second.pk, 1, CONFIRM)
    actions.reject_recurrence(
        operated.actor, second.pk, 1, RejectRecurrenceInput(reason="Already recorded")
    )
    assert Complication.objects.filter(kind="recurrence").count() == 1


def test_a_recurrence_entered_in_error_lets_a_new_film_propose_again(operated: Operated) -> None:
    proposal = proposed(operated)
    complication = actions.confirm_recurrence(operated.actor, proposal.pk, 1, CONFIRM)
    actions.mark_entered_in_error(
        operated.actor, complication.pk, 1, EnteredInErrorInput(reason="Wrong film")
    )
    operated.measure(operated.film(500), 30.0)
    assert RecurrenceProposal.objects.filter(status="proposed").count() == 1
