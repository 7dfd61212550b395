"""Who may see and change aftercare records: whoever may see their episode (docs/access.md).

Built on the generic helper (halluxpath.access) and the episode and patient
rules of patients.access, so the rules live in one place. Check-ins, wound
photos and calendar feeds are the patient's own to send
(``permissions.may_report_own_check_in``); plans and alerts are the care
team's to change; pathway templates are the site administrators'.
"""

from __future__ import annotations

from django.db.models import QuerySet

from halluxpath.access import RecordAccess, register
from halluxpath.accounts import permissions
from halluxpath.accounts.models import User
from halluxpath.aftercare.models import (
    AftercarePlan,
    Alert,
    CalendarFeed,
    CheckIn,
    Invitation,
    PathwayTemplate,
    PlanChange,
)
from halluxpath.patients.access import visible_episodes, visible_patients


def visible_plans(user: User) -> QuerySet[AftercarePlan]:
    return AftercarePlan.objects.filter(episode__in=visible_episodes(user)).select_related(
        "episode__patient", "issued_by"
    )


def visible_plan_changes(user: User) -> QuerySet[PlanChange]:
    return PlanChange.objects.filter(plan__episode__in=visible_episodes(user)).select_related(
        "plan__episode", "changed_by"
    )


def visible_check_ins(user: User) -> QuerySet[CheckIn]:
    return CheckIn.objects.filter(episode__in=visible_episodes(user)).select_related("episode")


def visible_wound_photos(user: User) -> QuerySet[CheckIn]:
    """Check-ins that carry a wound photo; one without a photo is a 404 like a missing one."""
    return visible_check_ins(user).exclude(photo="")


def visible_alerts(user: User) -> QuerySet[Alert]:
    return Alert.objects.filter(episode__in=visible_episodes(user)).select_related(
        "episode__patient", "acknowledged_by", "check_in"
    )


def visible_feeds(user: User) -> QuerySet[CalendarFeed]:
    return CalendarFeed.objects.filter(patient__in=visible_patients(user))


def visible_invitations(user: User) -> QuerySet[Invitation]:
    return Invitation.objects.filter(patient__in=visible_patients(user))


def visible_templates(user: User) -> QuerySet[PathwayTemplate]:
    """A site's templates, for its administrators (a site without its own uses the shipped ones)."""
    if permissions.may_manage_site(user):
        return PathwayTemplate.objects.filter(site_id=user.site_id)
    return PathwayTemplate.objects.none()


def _plan_patient(plan: AftercarePlan) -> int:
    return plan.episode.patient_id


def _change_patient(change: PlanChange) -> int:
    return change.plan.episode.patient_id


def _check_in_patient(check_in: CheckIn) -> int:
    return check_in.episode.patient_id


def _alert_patient(alert: Alert) -> int:
    return alert.episode.patient_id


def _feed_patient(feed: CalendarFeed) -> int:
    return feed.patient_id


def _invitation_patient(invitation: Invitation) -> int:
    return invitation.patient_id


def _no_patient(template: PathwayTemplate) -> None:
    return None


AFTERCARE_PLANS = register(
    RecordAccess(
        "aftercare_plan",
        visible_plans,
        _plan_patient,
        refusal="Your role cannot change aftercare plans.",
    )
)
PLAN_CHANGES = register(
    RecordAccess(
        "plan_change",
        visible_plan_changes,
        _change_patient,
        refusal="Your role cannot change aftercare plans.",
    )
)
CHECK_INS = register(
    RecordAccess(
        "check_in",
        visible_check_ins,
        _check_in_patient,
        may_change=permissions.may_report_own_check_in,
        refusal="Check-ins are sent by the patient.",
    )
)
WOUND_PHOTOS = register(
    RecordAccess(
        "check_in_photo",
        visible_wound_photos,
        _check_in_patient,
        may_change=permissions.may_report_own_check_in,
        refusal="Wound photos are sent by the patient.",
    )
)
ALERTS = register(
    RecordAccess(
        "alert",
        visible_alerts,
        _alert_patient,
        refusal="Your role cannot acknowledge alerts.",
    )
)
CALENDAR_FEEDS = register(
    RecordAccess(
        "calendar_feed",
        visible_feeds,
        _feed_patient,
        may_change=permissions.may_report_own_check_in,
        refusal="The calendar address is the patient's own to renew or stop.",
    )
)
INVITATIONS = register(
    RecordAccess(
        "invitation",
        visible_invitations,
        _invitation_patient,
        refusal="Your role cannot invite patients.",
    )
)
PATHWAY_TEMPLATES = register(
    RecordAccess(
        "pathway_template",
        visible_templates,
        _no_patient,
        may_change=permissions.may_manage_site,
        refusal="Only an administrator can change pathway templates.",
    )
)
