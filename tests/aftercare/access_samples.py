"""One of each aftercare record, attached to a given episode, for the access-matrix test."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable

from django.db.models import Model
from django.utils import timezone

from halluxpath.aftercare.models import (
    AftercarePlan,
    Alert,
    CalendarFeed,
    CheckIn,
    Invitation,
    PathwayTemplate,
    PlanChange,
)
from halluxpath.patients.models import Episode


def _plan(episode: Episode) -> AftercarePlan:
    return AftercarePlan.objects.create(
        episode=episode,
        template="Sample",
        template_version=1,
        operated_on=dt.date(2026, 11, 2),
        options={},
        items=[],
        issued_by=episode.responsible_surgeon,
    )


def _plan_change(episode: Episode) -> PlanChange:
    return PlanChange.objects.create(
        plan=_plan(episode),
        item_key="visit-2w",
        before={},
        after={},
        reason="sample",
        changed_by=episode.responsible_surgeon,
    )


def _check_in(episode: Episode, photo: str = "") -> CheckIn:
    return CheckIn.objects.create(
        episode=episode,
        submitted_by=episode.responsible_surgeon,
        answers={"pain_score": 2},
        photo=photo,
    )


def _wound_photo(episode: Episode) -> CheckIn:
    return _check_in(episode, photo="wound-photos/sample.jpg")


def _alert(episode: Episode) -> Alert:
    return Alert.objects.create(
        check_in=_check_in(episode),
        episode=episode,
        rule="R5",
        level=2,
        patient_message="sample",
        team_action="sample",
        source="DOMAIN §12 R5",
    )


def _feed(episode: Episode) -> CalendarFeed:
    return CalendarFeed.objects.create(patient=episode.patient, token_hash=secrets.token_hex(32))


def _invitation(episode: Episode) -> Invitation:
    return Invitation.objects.create(
        patient=episode.patient,
        token_hash=secrets.token_hex(32),
        created_by=episode.responsible_surgeon,
        expires_at=timezone.now() + dt.timedelta(days=7),
    )


def _template(episode: Episode) -> PathwayTemplate:
    """A site record, not an episode's: visible to the site's administrators only."""
    return PathwayTemplate.objects.create(
        name=f"Sample {secrets.token_hex(4)}", site_id=episode.patient.site_id
    )


SAMPLES: dict[str, Callable[[Episode], Model]] = {
    "aftercare_plan": _plan,
    "plan_change": _plan_change,
    "check_in": _check_in,
    "check_in_photo": _wound_photo,
    "alert": _alert,
    "calendar_feed": _feed,
    "invitation": _invitation,
    "pathway_template": _template,
}
