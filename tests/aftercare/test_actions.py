"""The aftercare write path: one transaction per action, records read through their helper,
and JSON rows written before schema versions still read."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.http import Http404
from django.test import Client
from django.urls import reverse

from halluxpath.accounts.models import Role
from halluxpath.aftercare import ical, plans, stored
from halluxpath.aftercare.access import CHECK_INS
from halluxpath.aftercare.actions import calendar, issue_plan
from halluxpath.aftercare.models import (
    AftercarePlan,
    CalendarFeed,
    CheckIn,
    PathwayTemplate,
    PlanChange,
)
from halluxpath.aftercare.pathways import as_core, latest
from halluxpath.aftercare.schemas import CheckInInput, PlanIssue
from halluxpath.audit.context import Actor
from halluxpath.audit.models import AuditEvent
from halluxpath.core import triage
from halluxpath.core.pathway import MIS_SCREWS
from halluxpath.core.pathway_data import steps_as_data
from tests.conftest import Clinic, make_user


def test_a_failed_feed_renewal_leaves_the_old_address_working_and_claims_nothing(
    clinic: Clinic, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    issue_plan(
        Actor(clinic.user(Role.NURSE)),
        clinic.patient_a.episodes.get().pk,
        PlanIssue(operated_on=dt.date(2026, 11, 2)),
    )
    patient = Actor(clinic.user(Role.PATIENT))
    old = calendar.new_feed(patient, clinic.patient_a.pk)
    claims = AuditEvent.objects.filter(object_type="calendar_feed").count()

    def broken(*args: object, **kwargs: object) -> None:
        raise OSError("the audit log went away")

    monkeypatch.setattr(calendar, "record", broken)
    with pytest.raises(OSError, match="audit log"):
        calendar.new_feed(patient, clinic.patient_a.pk)
    assert ical.feed_plan(old) is not None  # the old address still works
    assert CalendarFeed.objects.count() == 1  # and no new one was left behind
    assert AuditEvent.objects.filter(object_type="calendar_feed").count() == claims
    client.force_login(clinic.user(Role.PATIENT))
    assert client.get(reverse("aftercare:feed", args=[old])).status_code == 200


def test_only_the_patient_renews_their_calendar_address(clinic: Clinic) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        calendar.new_feed(Actor(clinic.user(Role.NURSE)), clinic.patient_a.pk)
    with pytest.raises(Http404):
        calendar.new_feed(Actor(clinic.user(Role.PATIENT)), clinic.patient_b.pk)


def test_another_teams_check_in_is_a_404_like_a_missing_one(clinic: Clinic, client: Client) -> None:
    other = make_user("other-patient", Role.PATIENT)
    clinic.patient_b.user = other
    clinic.patient_b.save()
    theirs = CheckIn.objects.create(
        episode=clinic.patient_b.episodes.get(), submitted_by=other, answers={"pain_score": 1}
    )
    with pytest.raises(Http404):
        CHECK_INS.get(Actor(clinic.user(Role.NURSE)), theirs.pk)  # team A's nurse
    client.force_login(clinic.user(Role.PATIENT))
    mine = client.get(reverse("aftercare:check_in_result", args=[theirs.pk]))
    missing = client.get(reverse("aftercare:check_in_result", args=[theirs.pk + 1000]))
    assert mine.status_code == missing.status_code == 404
    assert AuditEvent.objects.filter(
        object_type="check_in", object_id=str(theirs.pk), outcome="denied"
    ).exists()
    client.force_login(other)
    assert client.get(reverse("aftercare:check_in_result", args=[theirs.pk])).status_code == 200


def test_new_rows_carry_their_schema_version(clinic: Clinic, client: Client) -> None:
    plan = issue_plan(
        Actor(clinic.user(Role.NURSE)),
        clinic.patient_a.episodes.get().pk,
        PlanIssue(operated_on=dt.date(2026, 11, 2)),
    )
    assert plan.items["schema"] == stored.PLAN_ITEMS.tag
    assert plan.options["schema"] == stored.PLAN_OPTIONS.tag
    assert latest(PathwayTemplate.objects.get()).steps["schema"] == stored.TEMPLATE_STEPS.tag
    client.force_login(clinic.user(Role.PATIENT))
    client.post(
        reverse("aftercare:check_in"),
        {"pain_score": "3", "discharge": "none", "bleeding": "none", "numbness": "none"},
    )
    saved = CheckIn.objects.get()
    assert saved.answers["schema"] == stored.CHECK_IN_ANSWERS.tag
    assert saved.answer_values["pain_score"] == 3
    assert "schema" not in saved.answer_values


def test_rows_written_before_schema_versions_still_read(clinic: Clinic) -> None:
    """Version 0: the bare lists and objects older releases stored, read without a migration."""
    plan = issue_plan(
        Actor(clinic.user(Role.NURSE)),
        clinic.patient_a.episodes.get().pk,
        PlanIssue(operated_on=dt.date(2026, 11, 2)),
    )
    items, options = plan.item_list, plan.option_values
    AftercarePlan.objects.filter(pk=plan.pk).update(items=items, options=options)
    legacy = AftercarePlan.objects.get(pk=plan.pk)
    assert legacy.item_list == items
    assert legacy.option_values == options
    assert plans.as_core(legacy).items[0].key == items[0]["key"]
    change = PlanChange.objects.create(
        plan=legacy,
        item_key="visit-2w",
        before={"starts_on": "2026-11-16"},
        after={"starts_on": "2026-11-17"},
        reason="old row",
        changed_by=clinic.user(Role.NURSE),
    )
    assert (change.item_before["starts_on"], change.item_after["starts_on"]) == (
        "2026-11-16",
        "2026-11-17",
    )
    version = latest(PathwayTemplate.objects.get())
    type(version).objects.filter(pk=version.pk).update(steps=steps_as_data(MIS_SCREWS.steps))
    version.refresh_from_db()
    assert as_core(version).steps == MIS_SCREWS.steps
    old = CheckIn.objects.create(
        episode=legacy.episode,
        submitted_by=clinic.user(Role.PATIENT),
        answers={"pain_score": 4, "discharge": "clear"},
    )
    assert old.answer_values == {"pain_score": 4, "discharge": "clear"}


def test_the_check_in_input_asks_exactly_what_triage_reads() -> None:
    asked = set(CheckInInput.model_fields) - {"free_text", "submission"}
    assert asked == set(triage.ANSWER_FIELDS)
    assert set(CheckInInput(pain_score=1).answers()) == set(triage.ANSWER_FIELDS)


def test_every_answer_has_the_patients_words() -> None:
    for vocabulary in (triage.Discharge, triage.Bleeding, triage.Numbness, triage.Medication):
        assert all(answer in triage.ANSWER_WORDS for answer in vocabulary)


def test_an_unknown_answer_is_refused_by_the_typed_input() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        CheckInInput.model_validate({"pain_score": 2, "discharge": "green"})
    with pytest.raises(ValidationError):
        CheckInInput.model_validate({"pain_score": 2, "days_since_operation": 40})
    assert re.fullmatch(r"[a-z_]+", triage.Discharge.PUS_OR_CLOUDY)
