"""Chasing questionnaires and counting their completion (issue 13; DOMAIN §14).

- :func:`windows_to_chase`: for the reminder scheduler (reminders.schedule),
  each episode's windows whose questionnaires are not all completed; it
  puts a message in the outbox at opening, 7 and 14 days (core.reminders).
- :func:`to_call`: the staff's "to call" list: a time point still not
  completed 21 days after its window opened (from the opening day when no
  message can reach the patient), until the window closes; a call noted
  takes it off the list for a week.
- :func:`completion`: completed / due per time point and instrument,
  counted in the database (a time point is due once its window opened).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from halluxpath.audit.context import Actor
from halluxpath.core.schedule import Schedule, TimePointKey, Window
from halluxpath.outcomes.access import CALLS, RESPONSES
from halluxpath.outcomes.models import QuestionnaireCall, QuestionnaireResponse, ResponseStatus
from halluxpath.outcomes.questionnaires import instruments_of, schedule_of, with_day_zero
from halluxpath.patients.access import EPISODES
from halluxpath.patients.models import Episode, Patient, Reminders

CALL_AGAIN_AFTER_DAYS = 7


def _windows(schedule: Schedule, operated_on: dt.date) -> list[Window]:
    asked = {t.key for t in schedule.time_points if t.instruments}
    return [w for w in schedule.windows(operated_on) if w.time_point in asked]


def _completed(episode_ids: list[int]) -> dict[int, dict[str, set[str]]]:
    """Episode → time point → instruments completed."""
    done: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for start in range(0, len(episode_ids), 500):
        rows = QuestionnaireResponse.objects.filter(
            episode_id__in=episode_ids[start : start + 500], status=ResponseStatus.COMPLETED
        ).values_list("episode_id", "time_point", "instrument")
        for episode_id, time_point, instrument in rows:
            done[episode_id][time_point].add(instrument)
    return done


def windows_to_chase(episode_ids: Iterable[int]) -> dict[int, list[Window]]:
    """Each episode's windows still waiting for a questionnaire (no day 0: none)."""
    ids = sorted(set(episode_ids))
    found: dict[int, list[Window]] = {}
    schedules: dict[int, Schedule] = {}
    done = _completed(ids)
    for start in range(0, len(ids), 500):
        chunk = with_day_zero(Episode.objects.filter(pk__in=ids[start : start + 500]))
        for row in chunk.select_related("patient"):
            episode_id, site_id = row.pk, row.patient.site_id
            operated_on = getattr(row, "day_zero", None)
            if operated_on is None:
                continue
            if site_id not in schedules:
                schedules[site_id] = schedule_of(site_id)
            schedule = schedules[site_id]
            found[episode_id] = [
                w
                for w in _windows(schedule, operated_on)
                if not set(schedule.time_point(w.time_point).instruments)  # type: ignore[union-attr]
                <= done.get(episode_id, {}).get(w.time_point, set())
            ]
    return found


def reachable(patient: Patient) -> bool:
    """Can a reminder reach the patient and can they answer (an address, a portal account)?"""
    if patient.user_id is None or patient.reminders == Reminders.NONE:
        return False
    if patient.reminders == Reminders.EMAIL:
        return bool(patient.email)
    if patient.reminders == Reminders.SMS:
        return bool(patient.phone)
    return bool(patient.email or patient.phone)


@dataclass(frozen=True)
class CallRow:
    episode: Episode
    window: Window
    reachable: bool
    completed: int  # questionnaires of the time point completed
    asked: int
    last_call: QuestionnaireCall | None

    @property
    def label(self) -> str:
        return TimePointKey(self.window.time_point).label

    @property
    def patient(self) -> Patient:
        return self.episode.patient


def to_call(actor: Actor, today: dt.date | None = None) -> list[CallRow]:
    """The episodes whose questionnaires staff should chase by telephone, oldest first."""
    episodes = with_day_zero(EPISODES.queryset(actor)).filter(Q(day_zero__isnull=False))
    user = actor.user
    site_id = user.site_id if user is not None else None
    today = today or timezone.now().date()
    schedule = schedule_of(site_id) if site_id is not None else Schedule(())
    if not schedule.time_points:
        return []
    earliest = min(t.opens_days for t in schedule.time_points)
    latest = max(t.closes_days for t in schedule.time_points)
    episodes = episodes.filter(
        Q(day_zero__gte=today - dt.timedelta(days=latest)),
        Q(day_zero__lte=today - dt.timedelta(days=earliest)),
    ).select_related("patient")
    candidates = list(episodes)
    ids = [e.pk for e in candidates]
    done = _completed(ids)
    calls: dict[tuple[int, str], QuestionnaireCall] = {}
    for call in CALLS.queryset(actor).filter(episode_id__in=ids).order_by("called_at", "pk"):
        calls[(call.episode_id, call.time_point)] = call  # the newest wins
    rows = []
    for episode in candidates:
        operated_on: dt.date = episode.day_zero  # type: ignore[attr-defined]
        can_reach = reachable(episode.patient)
        for window in _windows(schedule, operated_on):
            point = schedule.time_point(window.time_point)
            if point is None:
                continue
            completed = len(set(point.instruments) & done[episode.pk][window.time_point])
            if completed == len(point.instruments):
                continue
            if not window.call_from(can_reach) <= today <= window.closes_on:
                continue
            last = calls.get((episode.pk, window.time_point))
            if last is not None and (today - last.called_at.date()).days < CALL_AGAIN_AFTER_DAYS:
                continue
            rows.append(
                CallRow(episode, window, can_reach, completed, len(point.instruments), last)
            )
    return sorted(rows, key=lambda r: (r.window.opens_on, r.episode.pk))


@dataclass(frozen=True)
class CompletionRow:
    time_point: str
    instrument: str
    title: str
    due: int
    completed: int
    on_paper: int

    @property
    def label(self) -> str:
        return TimePointKey(self.time_point).label

    @property
    def percent(self) -> float | None:
        return round(100 * self.completed / self.due, 1) if self.due else None


def completion(actor: Actor, today: dt.date) -> list[CompletionRow]:
    """Completed / due per time point and instrument over the episodes the actor sees."""
    user = actor.user
    if user is None:
        return []
    instruments = instruments_of(user.site_id)
    schedule = schedule_of(user.site_id, instruments)
    episodes: QuerySet[Episode] = with_day_zero(EPISODES.queryset(actor)).filter(
        Q(day_zero__isnull=False)
    )
    responses = RESPONSES.queryset(actor).filter(status=ResponseStatus.COMPLETED)
    rows = []
    for point in schedule.time_points:
        if not point.instruments:
            continue
        opened = episodes.filter(Q(day_zero__lte=today - dt.timedelta(days=point.opens_days)))
        due = opened.count()
        counts = {
            row["instrument"]: row
            for row in responses.filter(time_point=point.key, episode__in=opened.values("pk"))
            .values("instrument")
            .annotate(completed=Count("pk"), on_paper=Count("pk", filter=Q(on_paper=True)))
            .order_by()
        }
        for key in point.instruments:
            found = counts.get(key, {})
            rows.append(
                CompletionRow(
                    point.key,
                    key,
                    instruments[key].title,
                    due,
                    int(found.get("completed", 0)),
                    int(found.get("on_paper", 0)),
                )
            )
    return rows


__all__ = ["CallRow", "CompletionRow", "completion", "reachable", "to_call", "windows_to_chase"]
