"""Recording, amending and marking in error a complication (issue 13 item 3, DOMAIN §7)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from halluxpath.audit.context import Actor
from halluxpath.audit.models import AuditEvent
from halluxpath.complications import actions
from halluxpath.complications.models import Complication, ComplicationAmendment
from halluxpath.complications.schemas import (
    ComplicationAmendmentInput,
    EnteredInErrorInput,
    NewComplicationInput,
)
from halluxpath.records import EditConflict
from tests.complications.conftest import OPERATED_ON, Operated

INFECTION: dict[str, Any] = {
    "kind": "infection_superficial",
    "onset_on": OPERATED_ON + dt.timedelta(days=10),
    "grade_system": "clavien_dindo",
    "grade": "II",
    "treatment": "Flucloxacillin for 7 days",
}


def new(**changes: Any) -> NewComplicationInput:
    return NewComplicationInput.model_validate({**INFECTION, **changes})


def amended(
    reason: str = "Grade corrected at review", **changes: Any
) -> ComplicationAmendmentInput:
    return ComplicationAmendmentInput.model_validate({**INFECTION, **changes, "reason": reason})


def test_a_complication_is_stored_with_its_grading_system_and_who_recorded_it(
    operated: Operated,
) -> None:
    saved = actions.record_complication(operated.actor, operated.episode.pk, new())
    assert (saved.grade_system, saved.grade) == ("clavien_dindo", "II")
    assert saved.recorded_by == operated.surgeon
    assert AuditEvent.objects.filter(object_type="complication", action="create").exists()


def test_a_nurse_records_a_complication(operated: Operated) -> None:
    saved = actions.record_complication(Actor(operated.nurse), operated.episode.pk, new())
    assert saved.recorded_by == operated.nurse


def test_a_physiotherapist_reads_but_does_not_record(operated: Operated) -> None:
    with pytest.raises(PermissionDenied):
        actions.record_complication(Actor(operated.physio), operated.episode.pk, new())


def test_an_onset_before_the_operation_is_refused(operated: Operated) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.record_complication(
            operated.actor, operated.episode.pk, new(onset_on=OPERATED_ON - dt.timedelta(days=1))
        )
    assert "before the operation" in str(refused.value.message_dict["onset_on"])
    assert not Complication.objects.exists()


def test_an_onset_on_the_day_of_the_operation_is_accepted(operated: Operated) -> None:
    saved = actions.record_complication(
        operated.actor, operated.episode.pk, new(onset_on=OPERATED_ON)
    )
    assert saved.onset_on == OPERATED_ON


def test_an_onset_in_the_future_is_refused_by_the_input() -> None:
    with pytest.raises(ValueError, match="future"):
        new(onset_on=timezone.localdate() + dt.timedelta(days=2))


def test_a_complication_without_an_operation_is_refused(clinic: Any) -> None:
    episode = clinic.patient_a.episodes.get()
    with pytest.raises(ValidationError, match="No operation is recorded"):
        actions.record_complication(Actor(episode.responsible_surgeon), episode.pk, new())


@pytest.mark.parametrize(
    ("system", "grade"), [("cds_modified", "IIIb"), ("clavien_dindo", "III"), ("cds_modified", "")]
)
def test_a_grade_of_the_wrong_system_is_refused(
    operated: Operated, system: str, grade: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.record_complication(
            operated.actor, operated.episode.pk, new(grade_system=system, grade=grade)
        )
    assert "is not a grade of" in str(refused.value.message_dict["grade"])
    assert not Complication.objects.exists()


def test_a_cds_grade_is_kept_as_given_never_converted(operated: Operated) -> None:
    saved = actions.record_complication(
        operated.actor, operated.episode.pk, new(grade_system="cds_modified", grade="III")
    )
    saved.refresh_from_db()
    assert (saved.grade_system, saved.grade) == ("cds_modified", "III")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reoperation": True}, "reoperated_on"),
        (
            {
                "reoperation": True,
                "reoperated_on": OPERATED_ON + dt.timedelta(days=5),
                "reoperation_reason": "Washout",
            },
            "reoperated_on",
        ),
        (
            {"reoperation": True, "reoperated_on": OPERATED_ON + dt.timedelta(days=20)},
            "reoperation_reason",
        ),
        ({"reoperated_on": OPERATED_ON + dt.timedelta(days=20)}, "reoperation"),
        ({"resolved_on": OPERATED_ON + dt.timedelta(days=9)}, "resolved_on"),
        ({"kind": "other"}, "description"),
    ],
)
def test_dates_and_reasons_that_cannot_be_true_are_refused(
    operated: Operated, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.record_complication(operated.actor, operated.episode.pk, new(**changes))
    assert field in refused.value.message_dict


def test_a_reoperation_and_resolution_on_or_after_the_onset_are_kept(operated: Operated) -> None:
    onset = INFECTION["onset_on"]
    saved = actions.record_complication(
        operated.actor,
        operated.episode.pk,
        new(
            grade="IIIb",
            reoperation=True,
            reoperated_on=onset,
            reoperation_reason="Washout under general anaesthesia",
            implant_removed=True,
            resolved_on=onset + dt.timedelta(days=30),
        ),
    )
    assert saved.reoperation
    assert saved.implant_removed
    assert saved.resolved_on == onset + dt.timedelta(days=30)


def test_an_amendment_keeps_each_field_before_and_after_and_the_reason(
    operated: Operated,
) -> None:
    saved = actions.record_complication(operated.actor, operated.episode.pk, new())
    changed = actions.amend_complication(
        Actor(operated.nurse), saved.pk, saved.version, amended(grade="I", treatment="")
    )
    assert (changed.grade, changed.version) == ("I", 2)
    amendment = ComplicationAmendment.objects.get()
    assert amendment.field_changes == {
        "grade": {"before": "II", "after": "I"},
        "treatment": {"before": "Flucloxacillin for 7 days", "after": ""},
    }
    assert amendment.reason == "Grade corrected at review"
    assert amendment.author == operated.nurse


def test_an_amendment_needs_a_reason_and_a_change(operated: Operated) -> None:
    saved = actions.record_complication(operated.actor, operated.episode.pk, new())
    with pytest.raises(ValidationError, match="reason"):
        actions.amend_complication(operated.actor, saved.pk, 1, amended(reason=" ", grade="I"))
    with pytest.raises(ValidationError, match="Nothing was changed"):
        actions.amend_complication(operated.actor, saved.pk, 1, amended())
    assert not ComplicationAmendment.objects.exists()


def test_an_amendment_is_checked_like_a_new_record(operated: Operated) -> None:
    saved = actions.record_complication(operated.actor, operated.episode.pk, new())
    with pytest.raises(ValidationError, match="not a grade of"):
        actions.amend_complication(
            operated.actor, saved.pk, 1, amended(grade="IIIa", grade_system="cds_modified")
        )


def test_a_stale_amendment_is_a_conflict(operated: Operated) -> None:
    saved = actions.record_complication(operated.actor, operated.episode.pk, new())
    actions.amend_complication(operated.actor, saved.pk, 1, amended(grade="I"))
    with pytest.raises(EditConflict):
        actions.amend_complication(operated.actor, saved.pk, 1, amended(grade="IIIa"))
    saved.refresh_from_db()
    assert saved.grade == "I"


def test_entered_in_error_is_kept_with_its_reason_never_deleted(operated: Operated) -> None:
    saved = actions.record_complication(operated.actor, operated.episode.pk, new())
    marked = actions.mark_entered_in_error(
        operated.actor, saved.pk, 1, EnteredInErrorInput(reason="Recorded on the wrong patient")
    )
    assert marked.entered_in_error
    assert Complication.objects.filter(pk=saved.pk).exists()
    amendment = ComplicationAmendment.objects.get()
    assert amendment.field_changes == {"entered_in_error": {"before": False, "after": True}}
    assert amendment.reason == "Recorded on the wrong patient"
    with pytest.raises(ValidationError, match="entered in error"):
        actions.amend_complication(operated.actor, saved.pk, 2, amended(grade="I"))
    with pytest.raises(ValidationError, match="already marked"):
        actions.mark_entered_in_error(operated.actor, saved.pk, 2, EnteredInErrorInput(reason="x"))


def test_entered_in_error_needs_a_reason(operated: Operated) -> None:
    saved = actions.record_complication(operated.actor, operated.episode.pk, new())
    with pytest.raises(ValidationError, match="why"):
        actions.mark_entered_in_error(operated.actor, saved.pk, 1, EnteredInErrorInput(reason=""))
