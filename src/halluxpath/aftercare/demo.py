"""Aftercare plans for the demo cohort's operated feet (``halluxpath load_demo``)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from halluxpath.aftercare.actions import issue_plan
from halluxpath.aftercare.schemas import PlanIssue
from halluxpath.audit.context import Actor
from halluxpath.patients.models import Episode, StatusChange

THEATRE_DAY_CASES = 4  # planned feet booked for today, so the day's theatre list has a list
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


def book_demo_theatre_day(today: dt.date | None = None) -> int:
    """Book a few planned demo feet of each surgeon for today (their aftercare plan's date).

    The day's theatre list (patients:theatre_list) then opens on a real list.
    Only feet that are planned, have no aftercare plan yet and nothing booked.
    """
    today = today or timezone.localdate()
    booked = 0
    planned = (
        Episode.objects.filter(
            status="planned",
            patient__hospital_number__startswith="DEMO",
            aftercare_plan__isnull=True,
        )
        .select_related("responsible_surgeon")
        .order_by("responsible_surgeon_id", "pk")
    )
    per_surgeon: dict[int, int] = {}
    for surgeon_id in Episode.objects.filter(
        status="planned",
        patient__hospital_number__startswith="DEMO",
        aftercare_plan__isnull=False,
    ).values_list("responsible_surgeon_id", flat=True):
        per_surgeon[surgeon_id] = per_surgeon.get(surgeon_id, 0) + 1
    for episode in planned:
        count = per_surgeon.get(episode.responsible_surgeon_id, 0)
        if count >= THEATRE_DAY_CASES:
            continue
        issue_plan(Actor(episode.responsible_surgeon), episode.pk, PlanIssue(operated_on=today))
        per_surgeon[episode.responsible_surgeon_id] = count + 1
        booked += 1
    return booked
