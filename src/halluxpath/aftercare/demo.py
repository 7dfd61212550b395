"""Aftercare plans for the demo cohort's operated feet (``halluxpath load_demo``)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from halluxpath.aftercare.actions import issue_plan
from halluxpath.aftercare.schemas import PlanIssue
from halluxpath.audit.context import Actor
from halluxpath.patients.models import Episode, StatusChange

RECENT_DAYS = 400  # plans for operations in the last ~13 months (DOMAIN §11.1 runs to 12 months)


def load_demo_plans(today: dt.date | None = None) -> int:
    """Issue plans, as the responsible surgeon, for recently operated demo feet without one."""
    today = today or timezone.localdate()
    operated = (
        StatusChange.objects.filter(
            to_status="operated",
            episode__status__in=("operated", "follow_up"),
            episode__patient__hospital_number__startswith="DEMO",
            episode__aftercare_plan__isnull=True,
        )
        .select_related("episode__responsible_surgeon")
        .order_by("episode_id")
    )
    issued = 0
    for change in operated:
        operated_on = timezone.localtime(change.changed_at).date()
        if not 0 <= (today - operated_on).days <= RECENT_DAYS:
            continue
        episode: Episode = change.episode
        issue_plan(
            Actor(episode.responsible_surgeon),
            episode.pk,
            PlanIssue(operated_on=operated_on, vte_prophylaxis=episode.pk % 5 == 0),
        )
        issued += 1
    return issued
