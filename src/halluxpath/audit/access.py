"""Who may read which audit events: a site's administrators, their own site's only.

An event belongs to a site through the person who acted (a user of the site)
or the patient it concerns (a patient of the site); events of the system
itself (no user, no patient) are the installation's and shown to every
administrator. Nobody changes an event (the log is append-only).
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Q, QuerySet

from halluxpath.access import RecordAccess, register
from halluxpath.accounts import permissions
from halluxpath.accounts.models import User
from halluxpath.audit.models import AuditEvent


def visible_events(user: User) -> QuerySet[AuditEvent]:
    if not permissions.may_read_audit_log(user):
        return AuditEvent.objects.none()
    # Looked up by name: the audit log sits below the patient records it describes.
    patients = apps.get_model("patients", "Patient").objects.filter(site_id=user.site_id)
    site_users = User.objects.filter(site_id=user.site_id)
    return AuditEvent.objects.filter(
        Q(actor_id__in=site_users.values("pk"))
        | Q(patient_id__in=patients.values("pk"))
        | Q(actor_id__isnull=True, patient_id__isnull=True)
    )


def event_patient_id(event: AuditEvent) -> int | None:
    return event.patient_id


AUDIT_EVENTS = register(
    RecordAccess(
        "audit_event",
        visible_events,
        event_patient_id,
        may_change=permissions.may_alter_audit_log,
        refusal="The audit log is append-only: nobody changes an event.",
        audited_views=False,
    )
)
