"""The care team's answer to an alert, and the escalation of those left waiting (DOMAIN §12)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from halluxpath.accounts import permissions
from halluxpath.aftercare.access import ALERTS
from halluxpath.aftercare.models import Alert
from halluxpath.aftercare.schemas import AlertAcknowledgement
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.core import triage
from halluxpath.frontdoor import page_only

ESCALATE_AFTER = dt.timedelta(hours=2)  # DOMAIN §12: default 2 h, a site setting


def acknowledge(actor: Actor, alert_id: int, data: AlertAcknowledgement) -> Alert:
    """A clinician records what was done about an alert; once only."""
    user = actor.user
    if user is None or not permissions.may_change_clinical_records(user):
        raise PermissionDenied("Your role cannot acknowledge alerts.")
    note = data.note.strip()
    if data.response == triage.TeamResponse.OTHER and not note:
        raise ValidationError({"note": "Say what was done."})
    with transaction.atomic():
        ALERTS.get(actor, alert_id, purpose="edit")  # 404 unless the alert is in the user's teams
        # Only the alert is locked (PostgreSQL refuses FOR UPDATE on an outer join).
        alert = Alert.objects.select_for_update().select_related("episode").get(pk=alert_id)
        if alert.acknowledged_at is not None:
            by = alert.acknowledged_by
            raise ValidationError(
                f"This alert was already acknowledged by "
                f"{(by.get_full_name() or by.username) if by else 'someone'} at "
                f"{date_format(timezone.localtime(alert.acknowledged_at), 'DATETIME_FORMAT')}."
            )
        alert.acknowledged_by = user
        alert.acknowledged_at = timezone.now()
        alert.response = data.response.value
        alert.action_taken = note[:500]
        alert.save()
        record(
            actor,
            "change",
            object_type="alert",
            object_id=alert.pk,
            patient_id=alert.episode.patient_id,
            detail={
                "acknowledged": True,
                "response": alert.response,
                "response_words": triage.RESPONSE_WORDS[data.response],
                "note": alert.action_taken,
            },
        )
    return alert


@page_only("run by the escalate_alerts command on a timer, not by a person")
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
