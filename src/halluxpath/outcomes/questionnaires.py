"""Reading questionnaires: the site's instruments and schedule, day 0, what is due.

The writes are in outcomes.actions; this module only reads, through the
access helpers for anything that belongs to a patient.

- A site asks the instruments HalluxPath ships (core.instruments.SHIPPED)
  and those it has loaded a licensed file for (the newest load of each key).
- Its schedule is the one it stored, else core.schedule.DEFAULT; an
  instrument the schedule names but the site has not loaded is not asked.
- Day 0 is the operation: the operative record's date, else the date the
  aftercare plan was issued for (the booked operation), as the aftercare
  pages count from (patients.worklist.with_operation_date).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import DateField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from halluxpath.aftercare.models import AftercarePlan
from halluxpath.core import schedule as core_schedule
from halluxpath.core.instruments import (
    SHIPPED,
    DefinitionError,
    Domain,
    Instrument,
    load_site_definition,
)
from halluxpath.core.schedule import Progress, Schedule, TimePoint, Window
from halluxpath.outcomes.access import site_instruments, site_schedule
from halluxpath.outcomes.models import LoadedInstrument, QuestionnaireResponse, Score
from halluxpath.patients.models import Episode
from halluxpath.surgery.models import OperativeRecord

# A loaded file read as an Instrument, by (row, load moment): a load is never changed
# afterwards (a new version is a new row), so every action need not read it again.
_READ: dict[tuple[int, dt.datetime], Instrument] = {}
_READ_AT_MOST = 256


def _read(row: LoadedInstrument) -> Instrument:
    key = (row.pk, row.loaded_at)
    found = _READ.get(key)
    if found is None:
        found = load_site_definition(row.file_content)
        if len(_READ) >= _READ_AT_MOST:
            _READ.clear()
        _READ[key] = found
    return found


def instruments_of(site_id: int) -> dict[str, Instrument]:
    """Every instrument the site can ask: the shipped ones and its newest loaded files."""
    found: dict[str, Instrument] = dict(SHIPPED)
    for row in site_instruments(site_id):
        if row.key in found:
            continue  # an older load of the same key (newest first)
        try:
            found[row.key] = _read(row)
        except DefinitionError:
            continue  # checked when loaded; a release that reads it differently skips it
    return found


def instrument_of(site_id: int, key: str) -> Instrument | None:
    return instruments_of(site_id).get(key)


def stored_schedule(site_id: int) -> Schedule:
    """The schedule as the site set it (or the default), before dropping unloaded instruments."""
    row = site_schedule(site_id)
    if row is None:
        return core_schedule.DEFAULT
    try:
        return core_schedule.from_data(row.time_point_list)
    except core_schedule.ScheduleError:
        return core_schedule.DEFAULT


def schedule_of(site_id: int, instruments: Iterable[str] | None = None) -> Schedule:
    """The schedule the site asks: only instruments it has (shipped or loaded)."""
    known = set(instruments if instruments is not None else instruments_of(site_id))
    return Schedule(
        tuple(
            TimePoint(
                t.key, t.opens_days, t.closes_days, tuple(i for i in t.instruments if i in known)
            )
            for t in stored_schedule(site_id).time_points
        )
    )


def with_day_zero(episodes: QuerySet[Episode]) -> QuerySet[Episode]:
    """Annotate ``day_zero``: the operative record's date, else the booked (plan) date."""
    recorded = OperativeRecord.objects.filter(episode=OuterRef("pk")).values("operated_on")[:1]
    booked = AftercarePlan.objects.filter(episode=OuterRef("pk")).values("operated_on")[:1]
    return episodes.annotate(
        day_zero=Coalesce(
            Subquery(recorded, output_field=DateField()),
            Subquery(booked, output_field=DateField()),
            output_field=DateField(),
        )
    )


def day_zero(episode: Episode) -> dt.date | None:
    """The operation's date for this episode (recorded, else booked); None before either."""
    row = with_day_zero(Episode.objects.filter(pk=episode.pk)).first()
    value = getattr(row, "day_zero", None)
    return value if isinstance(value, dt.date) else None


@dataclass
class Questionnaire:
    """One instrument of one time point of an episode, and where it stands."""

    instrument: Instrument
    window: Window
    progress: Progress
    response: QuestionnaireResponse | None = None
    scores: list[tuple[str, Score]] = field(default_factory=list)  # (domain label, score)

    @property
    def key(self) -> str:
        return self.instrument.key

    @property
    def answered(self) -> int:
        if self.response is None:
            return 0
        return sum(1 for v in self.response.answer_values.values() if v is not None)


@dataclass
class TimePointQuestionnaires:
    time_point: TimePoint
    window: Window
    questionnaires: list[Questionnaire]


def domain_label(instrument: Instrument, stored_domain: str) -> str:
    """The label of a Score row's domain ("score" for a single-score instrument)."""
    for domain in instrument.domains:
        if stored_domain in (domain.key, stored_key(instrument, domain)):
            return domain.label
    return stored_domain


def stored_key(instrument: Instrument, domain: Domain) -> str:
    """A Score row's domain: "score" for a single-score instrument, else the domain key."""
    return "score" if len(instrument.domains) == 1 else domain.key


def episode_questionnaires(
    episode: Episode,
    today: dt.date,
    responses: Iterable[QuestionnaireResponse],
    scores: Iterable[Score] = (),
) -> list[TimePointQuestionnaires]:
    """Every time point of the episode with its questionnaires (no day 0: none).

    ``responses`` and ``scores`` are the episode's, read by the caller through
    the access helpers.
    """
    operated_on = day_zero(episode)
    if operated_on is None:
        return []
    site_id = episode.patient.site_id
    instruments = instruments_of(site_id)
    by_key = {(r.time_point, r.instrument): r for r in responses}
    scored: dict[int, list[Score]] = {}
    for row in scores:
        scored.setdefault(row.response_id, []).append(row)
    found = []
    sched = schedule_of(site_id, instruments)
    for point in sched.time_points:
        window = sched.window(point.key, operated_on)
        if window is None:
            continue
        rows = []
        keys = list(point.instruments)
        # A response kept for an instrument the schedule no longer asks still shows.
        keys += [k for (t, k) in by_key if t == point.key and k not in keys and k in instruments]
        for key in keys:
            response = by_key.get((point.key, key))
            instrument = instruments[key]
            rows.append(
                Questionnaire(
                    instrument,
                    window,
                    core_schedule.progress(window, today, response.status if response else None),
                    response,
                    [(domain_label(instrument, s.domain), s) for s in scored.get(response.pk, [])]
                    if response
                    else [],
                )
            )
        if rows:
            found.append(TimePointQuestionnaires(point, window, rows))
    return found


def open_questionnaires(
    episode: Episode, today: dt.date, responses: Iterable[QuestionnaireResponse]
) -> list[Questionnaire]:
    """What the patient can answer today: open or in progress, in schedule order."""
    return [
        q
        for point in episode_questionnaires(episode, today, responses)
        for q in point.questionnaires
        if q.progress in (Progress.OPEN, Progress.IN_PROGRESS)
    ]
