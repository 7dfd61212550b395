"""The patient's check-in: triaged at once, alerts stored for the care team (DOMAIN §12)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from halluxpath.accounts import permissions
from halluxpath.aftercare import photos, plans, stored
from halluxpath.aftercare.models import Alert, CheckIn
from halluxpath.aftercare.schemas import CheckInInput
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.core import triage
from halluxpath.core.episode import EpisodeStatus
from halluxpath.frontdoor import page_only
from halluxpath.patients.access import episode_for
from halluxpath.patients.actions import advance_episode

PATIENT_FRONT_DOOR = (
    "the patient portal is the patient's front door; the API serves staff and integrations"
)


@page_only(PATIENT_FRONT_DOOR)
def submit_check_in(
    actor: Actor,
    episode_id: int,
    data: CheckInInput,
    *,
    photo: bytes | None = None,
    on: dt.date | None = None,
) -> tuple[CheckIn, list[triage.Alert]]:
    """A patient's check-in: triaged at once, alerts stored for the care team.

    The day since the operation comes from the operative record, never from
    the patient. ``photo`` is a wound photo already cleaned by
    ``photos.clean_wound_photo``; it is written before the transaction and
    removed if the transaction fails, so no file is left without its row.

    ``data.submission`` is the form's one-time token: the same form sent twice
    (a double tap, a resend after a dropped connection) returns the check-in
    already stored, without a second set of alerts.

    ``on`` is the day the answers describe, today unless given: only the demo's
    history passes an earlier day (the portal never does).
    """
    user = actor.user
    if user is None or not permissions.may_report_own_check_in(user):
        raise PermissionDenied("Check-ins are sent by the patient.")
    episode = episode_for(actor, episode_id)
    values = data.answers()
    values["days_since_operation"] = plans.days_since_operation(episode, on or timezone.localdate())
    try:
        alerts = triage.triage(triage.CheckIn(**values))  # type: ignore[arg-type]
    except triage.CheckInError as error:
        raise ValidationError({error.field: str(error)}) from None
    level = triage.overall(alerts)
    submission = data.submission
    if submission:
        earlier = CheckIn.objects.filter(submitted_by=user, submission=submission).first()
        if earlier is not None:
            return earlier, alerts
    stored_photo, photo_sha256 = photos.store(photo) if photo is not None else ("", "")
    try:
        with transaction.atomic():
            check_in = CheckIn.objects.create(
                episode=episode,
                submitted_by=user,
                answers=stored.CHECK_IN_ANSWERS.stamp(values),
                free_text=data.free_text[:2000],
                level=int(level),
                photo=stored_photo,
                photo_sha256=photo_sha256,
                submission=submission,
            )
            Alert.objects.bulk_create(
                Alert(
                    check_in=check_in,
                    episode=episode,
                    rule=a.rule,
                    level=int(a.level),
                    patient_message=a.patient_message[:500],
                    team_action=a.team_action[:300],
                    source=a.source[:200],
                )
                for a in alerts
                if a.level > triage.Level.NONE
            )
            advance_episode(actor, episode, EpisodeStatus.FOLLOW_UP, "first check-in sent")
            record(
                actor,
                "create",
                object_type="check_in",
                object_id=check_in.pk,
                patient_id=episode.patient_id,
                detail={
                    "level": level.name,
                    "rules": [a.rule for a in alerts],
                    "photo_attached": bool(stored_photo),
                },
            )
    except BaseException as error:
        if stored_photo:
            photos.remove(stored_photo)
        if isinstance(error, IntegrityError) and submission:
            # The same form was sent twice at the same moment and the other one won.
            earlier = CheckIn.objects.filter(submitted_by=user, submission=submission).first()
            if earlier is not None:
                return earlier, alerts
        raise
    return check_in, alerts
