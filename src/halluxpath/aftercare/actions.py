"""Every write to check-ins and alerts: validate, one transaction, audit."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from halluxpath.accounts import permissions
from halluxpath.accounts.models import User
from halluxpath.aftercare import photos
from halluxpath.aftercare.models import Alert, CheckIn
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.core import triage
from halluxpath.patients.access import episode_for
from halluxpath.patients.models import Episode

ESCALATE_AFTER = dt.timedelta(hours=2)  # DOMAIN §12: default 2 h, a site setting
CHECKIN_FIELDS = {f.name for f in dataclasses.fields(triage.CheckIn)}


def days_since_operation(episode: Episode, today: dt.date) -> int:
    """Days since the operation, or since referral when no operation is recorded."""
    from halluxpath.surgery.models import OperativeRecord

    record_ = OperativeRecord.objects.filter(episode=episode).first()
    start = record_.operated_on if record_ else episode.referred_on
    return max((today - start).days, 0)


def submit_check_in(
    actor: Actor,
    episode_id: int,
    answers: dict[str, Any],
    free_text: str = "",
    *,
    photo: bytes | None = None,
    submission: str = "",
) -> tuple[CheckIn, list[triage.Alert]]:
    """A patient's check-in: triaged at once, alerts stored for the care team.

    ``photo`` is a wound photo already cleaned by ``photos.clean_wound_photo``.
    It is written before the transaction and removed if the transaction
    fails, so no file is left without its row (as imaging.actions does).

    ``submission`` is the form's one-time token: the same form sent twice (a
    double tap, a resend after a dropped connection) returns the check-in
    already stored, without a second set of alerts.
    """
    user = actor.user
    if user is None or not permissions.may_report_own_check_in(user):
        raise PermissionDenied("Check-ins are sent by the patient.")
    episode = episode_for(actor, episode_id)
    values = {k: v for k, v in answers.items() if k in CHECKIN_FIELDS}
    values["days_since_operation"] = days_since_operation(episode, timezone.localdate())
    try:
        alerts = triage.triage(triage.CheckIn(**values))
    except triage.CheckInError as error:
        raise ValidationError({error.field: str(error)}) from None
    level = triage.overall(alerts)
    submission = submission[:32]
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
                answers=values,
                free_text=free_text[:2000],
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


def acknowledge(actor: Actor, alert_id: int, action_taken: str, outcome: str) -> Alert:
    """A clinician records what was done about an alert; once only."""
    user = actor.user
    if user is None or not permissions.may_change_clinical_records(user):
        raise PermissionDenied("Your role cannot acknowledge alerts.")
    if not action_taken.strip() or not outcome.strip():
        raise ValidationError("Record both the action taken and its outcome.")
    with transaction.atomic():
        alert = (
            Alert.objects.select_for_update().select_related("episode").filter(pk=alert_id).first()
        )
        if alert is None:
            raise Http404("No such alert.")
        episode_for(actor, alert.episode_id)  # 404 unless the alert is in the user's teams
        if alert.acknowledged_at is not None:
            raise ValidationError(
                f"This alert was already acknowledged by "
                f"{alert.acknowledged_by} at "
                f"{timezone.localtime(alert.acknowledged_at):%H:%M}."
            )
        alert.acknowledged_by = user
        alert.acknowledged_at = timezone.now()
        alert.action_taken = action_taken.strip()[:500]
        alert.outcome = outcome.strip()[:500]
        alert.save()
        record(
            actor,
            "change",
            object_type="alert",
            object_id=alert.pk,
            patient_id=alert.episode.patient_id,
            detail={"acknowledged": True, "action": alert.action_taken, "outcome": alert.outcome},
        )
    return alert


def escalate_overdue(now: dt.datetime, after: dt.timedelta = ESCALATE_AFTER) -> list[Alert]:
    """Mark unacknowledged urgent and emergency alerts older than ``after`` as escalated.

    Idempotent: an alert is escalated once. Whoever is on the escalation rota
    sees them at the top of the triage list (DOMAIN §12, escalation norms).
    """
    with transaction.atomic():
        overdue = list(
            Alert.objects.select_for_update().filter(
                acknowledged_at__isnull=True,
                escalated_at__isnull=True,
                level__gte=triage.Level.URGENT,
                created_at__lte=now - after,
            )
        )
        for alert in overdue:
            alert.escalated_at = now
            alert.save(update_fields=["escalated_at"])
            record(
                Actor(user=None),
                "change",
                object_type="alert",
                object_id=alert.pk,
                patient_id=alert.episode.patient_id,
                detail={"escalated": True},
            )
    return overdue


def visible_alerts(user: User) -> Any:
    from halluxpath.patients.access import visible_episodes

    return Alert.objects.filter(episode__in=visible_episodes(user)).select_related(
        "episode__patient", "acknowledged_by"
    )
