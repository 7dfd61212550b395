"""Aftercare for the demo cohort (``halluxpath load_demo``): plans, a theatre day, check-ins.

Plans for the recently operated feet, a few planned feet booked for today's
theatre list, and the check-ins (with their alerts, some open on the triage
list, the rest acknowledged) of the feet operated in the last twelve weeks.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from halluxpath.accounts.models import Role, User
from halluxpath.aftercare.actions import acknowledge, issue_plan, submit_check_in
from halluxpath.aftercare.models import Alert, CheckIn
from halluxpath.aftercare.schemas import AlertAcknowledgement, CheckInInput, PlanIssue
from halluxpath.audit.context import Actor
from halluxpath.patients.models import Episode, Patient, StatusChange

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


# --- Check-ins and alerts ---------------------------------------------------

# DOMAIN §12: often in the first days, then weekly, then fortnightly to 12 weeks.
CHECK_IN_DAYS = (1, 2, 3, 5, 7, 10, 14, 21, 28, 35, 42, 56, 70, 84)
CHECK_IN_WINDOW_DAYS = 84  # feet operated in the last twelve weeks have check-ins
# (day, answers) that raise a flag: a wound that looks infected, a calf that
# may hold a clot, pain out of control. The last check-in of every few
# patients carries one, left open on the triage list; earlier ones were
# answered by the nurse.
RED_FLAGS: tuple[dict[str, object], ...] = (
    {"redness_spreading": True, "discharge": "pus_or_cloudy", "temperature_c": 38.2},
    {"calf_pain_or_swelling": True},
    {"pain_uncontrolled_or_rising": True, "pain_score": 9},
    {"wound_open": True},
)
RESPONSES = (
    ("called_patient", "Spoke to the patient: advice given, to call again if worse."),
    ("booked_review", "Wound review booked in the nurse clinic tomorrow."),
    ("advised_gp_or_111", "Advised to see the GP today."),
)


def _portal_account(patient: Patient) -> User:
    """The demo patient's portal account (as if they had accepted an invitation)."""
    if patient.user_id is not None:
        return patient.user  # type: ignore[return-value]
    account = User(
        username=f"portal-{patient.hospital_number.lower()}",
        role=Role.PATIENT,
        site_id=patient.site_id,
        first_name=patient.given_name,
        last_name=patient.family_name,
    )
    account.set_unusable_password()
    account.save()
    Patient.objects.filter(pk=patient.pk).update(user=account)
    return account


def _answers(day: int, rng: random.Random, flag: dict[str, object] | None) -> CheckInInput:
    pain = max(0, min(10, round(7 - day / 6 + rng.gauss(0, 0.8))))
    values: dict[str, object] = {
        "pain_score": pain,
        "medication": "as_prescribed",
        "kept_foot_up": True if day < 14 else None,
        "submission": f"{rng.getrandbits(128):032x}",
    }
    values.update(flag or {})
    return CheckInInput.model_validate(values)


def load_demo_check_ins(today: dt.date | None = None, seed: int = 2026) -> int:
    """Check-ins of recently operated demo feet, with alerts open and acknowledged.

    Made through the patient's own action (``submit_check_in``, on the day
    each describes), so the triage is the real one; each is then dated on
    that day. Idempotent: an episode that already has check-ins is left alone.
    """
    today = today or timezone.localdate()
    episodes = (
        Episode.objects.filter(
            status__in=("operated", "follow_up"),
            patient__hospital_number__startswith="DEMO",
            operative_record__isnull=False,
            operative_record__operated_on__gte=today - dt.timedelta(days=CHECK_IN_WINDOW_DAYS),
            check_ins__isnull=True,
        )
        .select_related("patient", "operative_record", "responsible_surgeon")
        .prefetch_related("care_team__members")
        .order_by("pk")
    )
    made = 0
    for number, episode in enumerate(episodes):
        rng = random.Random(seed * 31 + episode.pk)  # noqa: S311  (demo data)
        operated_on = episode.operative_record.operated_on
        account = _portal_account(episode.patient)
        days = [d for d in CHECK_IN_DAYS if operated_on + dt.timedelta(days=d) <= today]
        flagged_last = number % 3 == 0
        nurse = next(
            (m for m in episode.care_team.members.all() if m.role == Role.NURSE),
            episode.responsible_surgeon,
        )
        for index, day in enumerate(days):
            last = index == len(days) - 1
            flag = None
            if (last and flagged_last) or (not last and rng.random() < 0.08):
                flag = RED_FLAGS[(number + index) % len(RED_FLAGS)]
            on = operated_on + dt.timedelta(days=day)
            check_in, _ = submit_check_in(
                Actor(account), episode.pk, _answers(day, rng, flag), on=on
            )
            moment = timezone.make_aware(dt.datetime.combine(on, dt.time(9 + index % 8, 15)))
            CheckIn.objects.filter(pk=check_in.pk).update(submitted_at=moment)
            Alert.objects.filter(check_in=check_in).update(created_at=moment)
            if not last:
                response, note = RESPONSES[index % len(RESPONSES)]
                for alert in Alert.objects.filter(check_in=check_in):
                    acknowledge(
                        Actor(nurse),
                        alert.pk,
                        AlertAcknowledgement.model_validate({"response": response, "note": note}),
                    )
                Alert.objects.filter(check_in=check_in).update(
                    acknowledged_at=moment + dt.timedelta(hours=1)
                )
            made += 1
    return made
