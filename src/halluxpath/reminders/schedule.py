"""Putting the reminders each plan calls for into the outbox (core.reminders).

The schedule owns the rows whose keys core.reminders makes ("appointment:…",
"check_in:…", "questionnaire:…"); rows queued by other code are left alone.

Questionnaire reminders follow the site's questionnaire schedule
(outcomes.chasing: each time point not yet completed, at opening, 7 and 14
days) and go on after a discharge from the clinic (the registry follows the
patient to 24 months); appointments and check-in prompts stop there. An
episode with an operative record but no aftercare plan (a clinic that
does not use the aftercare pages, or an operation recorded after the fact)
gets its questionnaire reminders too, from the operation's date.

``schedule`` is safe to run as often as you like and from several processes
at once: rows are keyed by their deduplication key and inserted with
"ignore conflicts", so a second run adds nothing. Reminders that are no
longer wanted (a visit moved, a check-in already sent, the episode
discharged) are cancelled before they go out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from halluxpath.aftercare.models import AftercarePlan
from halluxpath.aftercare.plans import CheckInDays, as_core, check_in_days
from halluxpath.core import pathway, reminders
from halluxpath.core.schedule import Window
from halluxpath.outcomes.chasing import windows_to_chase
from halluxpath.patients.models import Patient, Reminders
from halluxpath.patients.models import Status as EpisodeStatus
from halluxpath.reminders.models import PROBLEM, Channel, Kind, OutboxMessage, Status
from halluxpath.sites.models import Site
from halluxpath.surgery.models import OperativeRecord

log = logging.getLogger(__name__)

DAYS_AHEAD = 8  # reminders are put in the outbox up to this many days before they are due


@dataclass
class ScheduleResult:
    plans: int = 0
    created: int = 0
    cancelled: int = 0
    no_contact: int = 0
    problems: int = 0  # plans whose reminders could not be worked out (shown to staff)


def clinic(site: Site) -> reminders.Clinic:
    """What a reminder says and when it goes, from the patient's site (name, zone, numbers)."""
    return reminders.Clinic(
        name=site.name,
        zone=site.zone,
        send_hour=site.reminder_hour,
        portal_url=site.url(reverse("aftercare:today")),
        check_in_url=site.url(reverse("aftercare:check_in")),
        phone_in_hours=site.phone_in_hours.strip(),
        phone_out_of_hours=site.phone_out_of_hours.strip(),
    )


def contact(patient: Patient) -> tuple[str, str] | None:
    """Where the patient's reminders go, by their choice; None for none or no address.

    "auto" is e-mail when the record has an address, else a text message.
    """
    choice = patient.reminders
    if choice == Reminders.NONE:
        return None
    if patient.email and choice in (Reminders.AUTO, Reminders.EMAIL):
        return Channel.EMAIL, patient.email
    if patient.phone and choice in (Reminders.AUTO, Reminders.SMS):
        return Channel.SMS, patient.phone
    return None


def schedule(now: dt.datetime | None = None, *, days_ahead: int = DAYS_AHEAD) -> ScheduleResult:
    """Bring the outbox in line with every open plan, for today and ``days_ahead`` days."""
    now = now or timezone.now()
    sites = {site.pk: site for site in Site.objects.all()}
    clinics = {pk: clinic(site) for pk, site in sites.items()}
    days = {pk: now.astimezone(where.zone).date() for pk, where in clinics.items()}
    # Waiting rows are reconsidered from the latest of the sites' midnights, so a
    # row due before its own site's today is never cancelled by mistake (one due
    # between two sites' midnights is revived or cancelled by the next run).
    start_of_today = max(
        (dt.datetime.combine(days[pk], dt.time(), tzinfo=w.zone) for pk, w in clinics.items()),
        default=now,
    )
    result = ScheduleResult()
    plans = list(AftercarePlan.objects.select_related("episode__patient"))
    unplanned = list(
        OperativeRecord.objects.filter(episode__aftercare_plan__isnull=True).select_related(
            "episode__patient"
        )
    )
    earliest = min(days.values(), default=now.date())
    history = check_in_days((p.episode_id for p in plans), earliest - dt.timedelta(days=14))
    questionnaires = windows_to_chase(
        [p.episode_id for p in plans] + [r.episode_id for r in unplanned]
    )
    wanted_rows: list[OutboxMessage] = []
    problems: dict[int, str] = {}  # episode id → why its reminders could not be worked out
    for plan in plans:
        result.plans += 1
        try:
            rows = _rows_for(
                plan, clinics, days, history, days_ahead, questionnaires.get(plan.episode_id, [])
            )
        except Exception as error:  # one bad plan must not stop the others (issue 12 item 11)
            log.exception(
                "reminders for the plan of episode %s could not be worked out", plan.episode_id
            )
            problems[plan.episode_id] = f"This plan could not be read: {error!r}"[:500]
            result.problems += 1
            continue
        if rows is None:
            result.no_contact += 1
            continue
        wanted_rows += rows
    for operation in unplanned:  # questionnaires only: no plan, no visits or check-ins
        rows = _questionnaire_rows(
            operation, clinics, days, days_ahead, questionnaires.get(operation.episode_id, [])
        )
        if rows is None:
            result.no_contact += 1
            continue
        wanted_rows += rows
    wanted = {row.dedup_key for row in wanted_rows}
    with transaction.atomic():
        before = OutboxMessage.objects.count()
        OutboxMessage.objects.bulk_create(wanted_rows, batch_size=500, ignore_conflicts=True)
        result.created = OutboxMessage.objects.count() - before
        addresses = {row.dedup_key: (row.channel, row.recipient) for row in wanted_rows}
        open_rows = OutboxMessage.objects.filter(
            due_at__gte=start_of_today, status__in=(Status.PENDING, Status.CANCELLED)
        ).values_list("pk", "dedup_key", "status", "channel", "recipient")
        revive, cancel, readdress = [], [], []
        owned = tuple(f"{kind}:" for kind in reminders.KINDS)  # rows others queued are theirs
        for pk, key, status, channel, recipient in open_rows.iterator():
            if key in wanted and status == Status.CANCELLED:
                revive.append(pk)  # wanted again, e.g. a visit moved back
            elif key not in wanted and status == Status.PENDING and key.startswith(owned):
                cancel.append(pk)
            if key in wanted and addresses[key] != (channel, recipient):
                readdress.append((pk, *addresses[key]))  # the patient's address changed
        for chunk in _chunks(revive):
            OutboxMessage.objects.filter(pk__in=chunk).update(status=Status.PENDING)
        for chunk in _chunks(cancel):
            OutboxMessage.objects.filter(pk__in=chunk, status=Status.PENDING).update(
                status=Status.CANCELLED
            )
        for pk, channel, recipient in readdress:
            OutboxMessage.objects.filter(pk=pk, status=Status.PENDING).update(
                channel=channel, recipient=recipient
            )
        result.cancelled = len(cancel)
        _record_problems(problems, {p.episode_id: p for p in plans}, now)
    return result


def _questionnaire_rows(
    operation: OperativeRecord,
    clinics: dict[int, reminders.Clinic],
    days: dict[int, dt.date],
    days_ahead: int,
    questionnaires: list[Window],
) -> list[OutboxMessage] | None:
    """The questionnaire messages of an operated episode without an aftercare plan."""
    patient = operation.episode.patient
    if patient.user_id is None or not questionnaires:
        return []
    address = contact(patient)
    if address is None:
        return None
    where, today = clinics[patient.site_id], days[patient.site_id]
    nothing_planned = pathway.Plan("", 0, operation.operated_on, ())
    return [
        _row(reminder, patient, operation.episode_id, address)
        for reminder in reminders.reminders_for(
            nothing_planned,
            episode_id=operation.episode_id,
            given_name=patient.given_name,
            clinic=where,
            window=(today, today + dt.timedelta(days=days_ahead)),
            check_ins_wanted=False,
            questionnaires=questionnaires,
        )
    ]


def _row(
    reminder: reminders.Reminder, patient: Patient, episode_id: int, address: tuple[str, str]
) -> OutboxMessage:
    return OutboxMessage(
        dedup_key=reminder.key,
        kind=reminder.kind,
        patient=patient,
        episode_id=episode_id,
        channel=address[0],
        recipient=address[1],
        subject=reminder.subject[:200],
        body=reminder.text,
        source=reminder.source[:200],
        due_at=reminder.send_at,
        next_attempt_at=reminder.send_at,
    )


def _rows_for(
    plan: AftercarePlan,
    clinics: dict[int, reminders.Clinic],
    days: dict[int, dt.date],
    history: dict[int, CheckInDays],
    days_ahead: int,
    questionnaires: list[Window],
) -> list[OutboxMessage] | None:
    """The outbox rows one plan wants in the window; None when the patient has no address.

    A discharged episode keeps only its questionnaire reminders; a patient
    without a portal account gets none (staff call them: outcomes.chasing).
    """
    patient = plan.episode.patient
    address = contact(patient)
    if address is None:
        return None
    done = history.get(plan.episode_id, CheckInDays())
    where, today = clinics[patient.site_id], days[patient.site_id]
    window = (today, today + dt.timedelta(days=days_ahead))
    in_care = plan.episode.status != EpisodeStatus.DISCHARGED
    core_plan = as_core(plan)
    return [
        _row(reminder, patient, plan.episode_id, address)
        for reminder in reminders.reminders_for(
            core_plan if in_care else dataclasses.replace(core_plan, items=()),
            episode_id=plan.episode_id,
            given_name=patient.given_name,
            clinic=where,
            window=window,
            check_ins_wanted=in_care and patient.user_id is not None,
            checked_in_days=done.sent,
            red_flag_days=done.flagged,
            questionnaires=questionnaires if patient.user_id is not None else (),
        )
    ]


def problem_key(episode_id: int) -> str:
    return f"{PROBLEM}:{episode_id}"


def _record_problems(
    problems: dict[int, str], plans: dict[int, AftercarePlan], now: dt.datetime
) -> None:
    """Show staff each plan whose reminders could not be worked out (the Failed list).

    One row per episode (``plan_problem:<episode>``), never sent: the worker
    claims only waiting rows. It is updated while the problem lasts and
    marked "no longer needed" on the first run that reads the plan again.
    """
    for episode_id, reason in problems.items():
        patient = plans[episode_id].episode.patient
        row, created = OutboxMessage.objects.get_or_create(
            dedup_key=problem_key(episode_id),
            defaults={
                "kind": Kind.PLAN_PROBLEM,
                "patient": patient,
                "episode_id": episode_id,
                "channel": (contact(patient) or (Channel.EMAIL, ""))[0],
                "recipient": "",
                "subject": "The reminders of this plan could not be worked out",
                "body": "",
                "source": "reminders.schedule",
                "due_at": now,
                "next_attempt_at": now,
                "status": Status.FAILED,
                "last_error": reason,
            },
        )
        if not created and row.status != Status.STOPPED:  # staff stopped it: leave it so
            OutboxMessage.objects.filter(pk=row.pk).update(
                status=Status.FAILED, last_error=reason, due_at=now
            )
    solved = [problem_key(e) for e in plans if e not in problems]
    for chunk in range(0, len(solved), 500):
        OutboxMessage.objects.filter(
            dedup_key__in=solved[chunk : chunk + 500], status=Status.FAILED
        ).update(status=Status.CANCELLED)


def _chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]
