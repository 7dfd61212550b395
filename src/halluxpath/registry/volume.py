"""A registry-sized synthetic dataset, written fast: the dashboards' load test (issue 13).

The clinic demo (``halluxpath load_demo``) makes a few hundred patients through
the real actions, films and all; it shows every page. A registry holds a
million episodes, and the dashboards must answer in under a second at that
size, so ``halluxpath load_volume_demo`` writes what the dashboards count, at
tens of thousands of episodes a second, straight into the tables:

- sites, each with its surgeons and a care team (through the ORM: a handful);
- per episode: a patient, the episode, its ``registry.CaseSummary`` row
  (technique, fixation, pre-operative and latest angles, operative and
  fluoroscopy time, learning-curve values), questionnaire responses with
  their scores (MOXFQ domains and index, NRS pain, as the default schedule of
  core.schedule asks them; EQ-5D and the single items are left out) at the
  time points whose window has opened, and complications near the published rates of DOMAIN §7
  (recurrence where the latest film's HVA exceeds 15° at 6 months or later).

Every value is synthetic (seeded, reproducible). The rows hold no item-level
MOXFQ answers (only the scores: the item text is the site's, under licence),
no operative record and no film: the clinic pages of a volume episode are
thin; the dashboards, which read the summary, scores and complications, are
complete. It bypasses the actions on purpose (no audit event per synthetic
row) and is the one bulk writer besides the demos (tests/test_write_path.py).

Rates and trajectories (all DOMAIN): any complication 16.6 % (§7, burr-based
MIS), split by kind in proportion to §7's rates; questionnaire completion that
falls over time but stays above the registry figures of §14 (HalluxPath means
to beat them); MOXFQ-Index about 55 before and about 20 a year after the
operation (§13: MCID 16/12/24 per domain).
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from itertools import repeat
from types import TracebackType
from typing import Any, Protocol

import numpy as np
from django.core.management.color import no_style
from django.db import OperationalError, connection, models, transaction

from halluxpath.accounts.models import CareTeam, Role, User
from halluxpath.complications.models import Complication
from halluxpath.core.grading import GRADES, HVA_BOUNDS_DEG, IMA_BOUNDS_DEG
from halluxpath.core.planning import Technique
from halluxpath.core.schedule import DEFAULT_INSTRUMENTS, OFFSET_DAYS, WINDOW_DAYS
from halluxpath.core.stopping import default_termination
from halluxpath.outcomes.models import QuestionnaireResponse, ResponseStatus, Score
from halluxpath.outcomes.stored import ANSWERS
from halluxpath.patients.models import Episode, Patient
from halluxpath.patients.models import Status as EpisodeStatus
from halluxpath.registry.actions import rebuild_tallies, summarise_learning
from halluxpath.registry.learning import CURVES
from halluxpath.registry.models import CaseSummary, Fixation
from halluxpath.sites.models import Site

CHUNK = 50_000  # episodes built at a time (one random stream each)
WORKERS = 2  # processes building chunks on SQLite (issue 13's machine has two cores)
SORT_CACHE_KIB = -1000  # SQLite's page cache (KiB, negative) while the indexes are built
YEARS = 8  # operations spread over the eight years before the reference date
SLUG_PREFIX = "volume-"

# Completion per time point (share of episodes whose window has opened).
COMPLETION = {"baseline": 0.78, "6w": 0.55, "6m": 0.62, "12m": 0.52, "24m": 0.40}
# MOXFQ-Index mean and SD by time point (before, then after the operation).
MOXFQ_INDEX = {"baseline": (55.0, 15.0), "6w": (35.0, 15.0), "6m": (24.0, 14.0)}
MOXFQ_INDEX |= {"12m": (20.0, 14.0), "24m": (19.0, 14.0)}
NRS_PAIN = {"baseline": (6.2, 1.8), "6w": (3.5, 2.0), "6m": (2.4, 1.8), "12m": (2.0, 1.8)}
NRS_PAIN |= {"24m": (1.9, 1.8)}
MOXFQ_DOMAINS = (("walking_standing", 7), ("pain", 5), ("social", 4))

# DOMAIN §7: any complication 16.6 %; kinds weighted by their rates there
# (recurrence is not drawn: it follows the films, below).
ANY_COMPLICATION = 0.166
KIND_WEIGHTS = {
    "infection_superficial": 1.1,
    "nerve_injury": 2.2,
    "delayed_wound_healing": 1.0,
    "stiffness": 2.0,
    "hardware_irritation": 6.2,
    "transfer_metatarsalgia": 0.5,
    "non_union": 0.4,
    "malunion": 0.8,
    "infection_deep": 0.3,
    "venous_thrombosis": 0.8,
    "crps": 0.6,
    "hallux_varus": 0.1,
}
# kind → (onset: first and last day after the operation, grade, chance of a reoperation)
KIND_COURSE = {
    "infection_superficial": ((4, 30), "II", 0.0),
    "infection_deep": ((10, 90), "IIIb", 0.6),
    "nerve_injury": ((1, 42), "I", 0.0),
    "delayed_wound_healing": ((10, 60), "I", 0.0),
    "stiffness": ((42, 270), "I", 0.05),
    "hardware_irritation": ((60, 400), "IIIa", 0.6),
    "transfer_metatarsalgia": ((90, 400), "I", 0.05),
    "non_union": ((90, 240), "IIIb", 0.7),
    "malunion": ((42, 240), "IIIb", 0.3),
    "venous_thrombosis": ((3, 42), "II", 0.0),
    "crps": ((14, 120), "II", 0.0),
    "hallux_varus": ((42, 365), "IIIb", 0.5),
    "recurrence": ((182, 730), "IIIb", 0.2),
}
FAMILY_NAMES = ("Ashdown", "Brooke", "Carrow", "Delmar", "Evesham", "Fairlie", "Garside")
GIVEN_NAMES = ("Alex", "Sam", "Jo", "Robin", "Morgan", "Casey", "Jamie", "Ellis")


@dataclass
class VolumeResult:
    episodes: int = 0
    responses: int = 0
    scores: int = 0
    complications: int = 0
    seconds: float = 0.0

    @property
    def episodes_per_second(self) -> float:
        return self.episodes / self.seconds if self.seconds else 0.0


def generate(
    episodes: int,
    *,
    seed: int = 2026,
    sites: int = 5,
    surgeons_per_site: int = 8,
    reference_date: dt.date | None = None,
    chunk: int = CHUNK,
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> VolumeResult:
    """Add ``episodes`` synthetic operated episodes across ``sites`` new volume sites.

    Each chunk of ``chunk`` episodes draws from its own random stream (the
    seed and the chunk's number), so the rows are the same whichever process
    builds them. On SQLite, unless the caller holds a transaction open, the
    chunks are built into scratch SQLite files by ``workers`` processes
    (default: two when there is more than one chunk, none for one) and copied
    in with ``INSERT … SELECT``; foreign keys are checked once at the end
    (``PRAGMA foreign_key_check``) instead of row by row. Otherwise (and on
    PostgreSQL) this process writes each chunk as it is built.
    """
    if episodes < 1:
        raise ValueError("at least one episode")
    started = time.perf_counter()
    today = reference_date or dt.date(2026, 12, 1)
    rng = np.random.default_rng(seed)
    result = VolumeResult()
    written = [Patient, Episode, QuestionnaireResponse, Score, Complication, CaseSummary]
    parts = [slice(s, min(s + chunk, episodes)) for s in range(0, episodes, chunk)]
    # SQLite cannot switch foreign keys off, nor detach a scratch file, inside
    # a transaction: the staged path needs this call's transaction outermost.
    staged = connection.vendor == "sqlite" and not connection.in_atomic_block
    if workers is None:
        workers = min(WORKERS, os.cpu_count() or 1) if len(parts) > 1 else 0
    with ExitStack() as stack:
        if staged:
            scratch = stack.enter_context(_Scratch())
            stack.enter_context(_rollback_journal())
            stack.enter_context(connection.constraint_checks_disabled())
        # All or nothing: one transaction, so a failure leaves the database as it was
        # (indexes included: both SQLite and PostgreSQL roll DDL back).
        with transaction.atomic():
            teams, surgeon_ids = _people(sites, surgeons_per_site)
            cohort = _cohort(rng, episodes, today, surgeon_ids)
            writer = _Writer()
            job = _Job(
                seed=seed,
                today=today,
                stamp=writer.timestamp(today),
                cohort=cohort,
                teams=teams,
                parts=parts,
                first_ids=_first_ids(cohort, parts),
            )

            def done(counts: tuple[int, int, int], part: slice) -> None:
                result.episodes += part.stop - part.start
                result.responses += counts[0]
                result.scores += counts[1]
                result.complications += counts[2]
                if progress is not None:
                    progress(result.episodes, episodes)

            with writer.indexes_rebuilt_after(written):
                if staged:
                    for staged_chunk in scratch.load(job, workers, written):
                        done(staged_chunk.counts, parts[staged_chunk.index])
                else:
                    for index, part in enumerate(parts):
                        done(_build_chunk(writer, job, index), part)
            if staged:
                # Every table this transaction wrote, its people included.
                checked: list[type[models.Model]] = [*written, Site, CareTeam, User]
                tables = [m._meta.db_table for m in checked]
                tables.append(CareTeam.members.through._meta.db_table)
                connection.check_constraints(table_names=tables)
            writer.finish(written)
            summarise_learning()
            rebuild_tallies()
    _vacuumed(CaseSummary)
    result.seconds = time.perf_counter() - started
    return result


def _vacuumed(model: type[models.Model]) -> None:
    """PostgreSQL: ``VACUUM`` the freshly written table, outside any transaction.

    Its visibility map is empty after a bulk load until autovacuum comes round,
    and till then an index-only scan still visits every row (the dashboards'
    survival counts read covering indexes of the case rows). Inside a caller's
    transaction (the tests) VACUUM cannot run; nothing is done.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}")


@contextmanager
def _rollback_journal() -> Iterator[None]:
    """The load's one large transaction in a rollback journal rather than the WAL, where it can be.

    A WAL transaction of gigabytes slows as it grows: each page read looks
    through the WAL's index, one hash table per 4,096 pages written, so the
    copies, index builds and key checks got slower the more had been written
    (at a million episodes the copy took 36 CPU seconds where 100,000 took
    2.6). A rollback journal keeps only the pages that held data before (the
    new ones past the old end need none): as atomic, and linear. Leaving WAL
    needs the database to itself; with another connection open it stays in
    WAL (slower, as correct). WAL comes back after.
    """
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        before = str(cursor.fetchone()[0])
        now = before
        if before == "wal":
            try:
                cursor.execute("PRAGMA journal_mode = DELETE")
                now = str(cursor.fetchone()[0])
            except OperationalError:  # another connection has the database open
                now = before
    try:
        yield
    finally:
        if now != before:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA journal_mode = {before}")


def _people(sites: int, surgeons_per_site: int) -> tuple[dict[int, int], np.ndarray]:
    """New volume sites with their surgeons and one care team each (a few ORM writes)."""
    existing = Site.objects.filter(slug__startswith=SLUG_PREFIX).count()
    teams: dict[int, int] = {}  # surgeon id → care team id
    surgeon_ids: list[int] = []
    for number in range(existing + 1, existing + sites + 1):
        site = Site.objects.create(
            slug=f"{SLUG_PREFIX}{number}",
            name=f"Volume site {number}",
            second_factor_required=False,
        )
        team = CareTeam.objects.create(site=site, name="Foot and ankle")
        for index in range(1, surgeons_per_site + 1):
            surgeon = User.objects.create(
                username=f"volume-{number}-surgeon-{index}",
                first_name="Surgeon",
                last_name=f"{number}.{index}",
                role=Role.SURGEON,
                site=site,
            )
            surgeon.set_unusable_password()
            surgeon.save(update_fields=["password"])
            team.members.add(surgeon)
            teams[surgeon.pk] = team.pk
            surgeon_ids.append(surgeon.pk)
    return teams, np.array(surgeon_ids)


@dataclass
class _Cohort:
    """Every episode's per-episode values, as arrays in episode order."""

    surgeon: np.ndarray
    site: np.ndarray
    operated: np.ndarray  # datetime64[D]
    age: np.ndarray
    female: np.ndarray
    right: np.ndarray
    technique: np.ndarray
    akin: np.ndarray
    fixation: np.ndarray
    pre_hva: np.ndarray
    pre_ima: np.ndarray
    severity: np.ndarray
    post_days: np.ndarray  # -1: no post-operative film
    post_hva: np.ndarray
    post_ima: np.ndarray
    minutes: np.ndarray
    fluoro: np.ndarray
    case_number: np.ndarray  # 0: not an MIS distal osteotomy
    cusum: dict[str, np.ndarray]
    kind: np.ndarray  # the complication drawn ("" for none; recurrence follows the films)
    onset: np.ndarray  # its onset, days after the operation
    complication_90d: np.ndarray
    answered: dict[str, np.ndarray]  # time point → questionnaires completed there


def _cohort(rng: np.random.Generator, n: int, today: dt.date, surgeon_ids: np.ndarray) -> _Cohort:
    site_of = dict(User.objects.filter(pk__in=surgeon_ids.tolist()).values_list("pk", "site_id"))
    surgeon = rng.choice(surgeon_ids, n)
    site = np.array([site_of[int(s)] for s in surgeon_ids])[np.searchsorted(surgeon_ids, surgeon)]
    last = np.datetime64(today, "D") - 1
    operated = last - rng.integers(0, YEARS * 365, n).astype("timedelta64[D]")
    techniques = np.array(
        [
            Technique.MIS_DISTAL.value,
            Technique.LAPIDUS.value,
            Technique.OPEN_PROXIMAL.value,
            Technique.MTP_ARTHRODESIS.value,
        ]
    )
    technique = techniques[rng.choice(4, n, p=[0.82, 0.08, 0.06, 0.04])]
    fixations = np.array(
        [
            Fixation.SCREW.value,
            Fixation.K_WIRE.value,
            Fixation.MIXED.value,
            Fixation.NONE.value,
            Fixation.PLATE.value,
        ]
    )
    fixation = fixations[rng.choice(5, n, p=[0.84, 0.07, 0.04, 0.02, 0.03])]
    pre_hva = np.clip(rng.normal(31.0, 7.5, n), 12.0, 60.0).round(1)
    pre_ima = np.clip(0.35 * pre_hva + rng.normal(3.5, 2.2, n), 6.0, 25.0).round(1)
    rank = np.maximum(
        np.searchsorted(np.array(HVA_BOUNDS_DEG), pre_hva, side="right"),
        np.searchsorted(np.array(IMA_BOUNDS_DEG), pre_ima, side="right"),
    )
    severity = np.array(GRADES)[np.minimum(rank, len(GRADES) - 1)]
    elapsed = (last - operated).astype(int) + 1
    film_day = rng.choice(np.array([42, 182, 365, 730]), n, p=[0.3, 0.3, 0.3, 0.1])
    film_day = np.minimum(film_day + rng.integers(-14, 15, n), elapsed)
    has_film = (rng.random(n) < 0.9) & (film_day >= 14)
    post_days = np.where(has_film, film_day, -1)
    # Correction by severity, with a tail that recurs (DOMAIN §7: 2-5 %, more when severe).
    drift = np.where(rng.random(n) < np.where(severity == "severe", 0.12, 0.04), 12.0, 0.0)
    post_hva = np.clip(
        pre_hva * 0.3 + rng.normal(1.0, 3.5, n) + drift * np.minimum(post_days, 365) / 365, -8, 45
    ).round(1)
    post_ima = np.clip(pre_ima * 0.55 + rng.normal(0.0, 1.8, n), 2.0, 20.0).round(1)
    order = np.lexsort((np.arange(n), operated, surgeon))
    mis = technique == Technique.MIS_DISTAL.value
    case_number = np.zeros(n, dtype=np.int64)
    sorted_surgeon, sorted_mis = surgeon[order], mis[order]
    running = _grouped_cumsum(sorted_mis.astype(np.int64), sorted_surgeon)
    case_number[order] = np.where(sorted_mis, running, 0)
    experience = case_number.astype(float)
    # Learning: time and fluoroscopy fall over the first ~40 cases (DOMAIN §10).
    minutes = (38.0 + 30.0 * np.exp(-experience / 18.0)) * rng.lognormal(0.0, 0.22, n)
    fluoro = (55.0 + 50.0 * np.exp(-experience / 20.0)) * rng.lognormal(0.0, 0.3, n)
    # DOMAIN §7: any complication 16.6 %, kinds weighted by their rates, each
    # with its usual onset; drawn here so the learning curve can count them.
    kinds = np.array(list(KIND_WEIGHTS))
    weights = np.array(list(KIND_WEIGHTS.values()))
    kind_index = rng.choice(len(kinds), n, p=weights / weights.sum())
    drawn = rng.random(n) < ANY_COMPLICATION
    lows = np.array([KIND_COURSE[k][0][0] for k in kinds])
    highs = np.array([KIND_COURSE[k][0][1] for k in kinds])
    onset = lows[kind_index] + (rng.random(n) * (highs - lows)[kind_index]).astype(int)
    drawn &= onset <= elapsed - 1
    kind = np.where(drawn, kinds[kind_index], "")
    complication_90d = drawn & (onset <= 90)
    # Questionnaires completed where the time point's window has opened (drawn
    # here so each chunk's first response id is known before it is built).
    answered: dict[str, np.ndarray] = {}
    for time_point, offset in OFFSET_DAYS.items():
        day = -14 if time_point == "baseline" else offset
        opened = elapsed >= day - WINDOW_DAYS if time_point != "baseline" else elapsed >= 0
        answered[time_point] = opened & (rng.random(n) < COMPLETION[time_point])
    cusum: dict[str, np.ndarray] = {}
    measured = {
        "operative_time_min": minutes,
        "fluoro_time_s": fluoro,
        "complication_90d": complication_90d.astype(float),
    }
    for curve in CURVES:
        measure = measured[curve.measure]
        step = np.where(measure > curve.target, 1.0 - curve.limits.s, -curve.limits.s)
        sorted_step = np.where(sorted_mis, step[order], 0.0)
        values = np.full(n, np.nan)
        values[order] = np.where(sorted_mis, _grouped_cumsum(sorted_step, sorted_surgeon), np.nan)
        cusum[curve.key] = values.round(4)
    return _Cohort(
        surgeon=surgeon,
        site=site,
        operated=operated,
        age=np.clip(rng.normal(57.0, 13.0, n), 18, 96).astype(int),
        female=rng.random(n) < 0.86,
        right=rng.random(n) < 0.5,
        technique=technique,
        akin=rng.random(n) < 0.6,
        fixation=fixation,
        pre_hva=pre_hva,
        pre_ima=pre_ima,
        severity=severity,
        post_days=post_days,
        post_hva=post_hva,
        post_ima=post_ima,
        minutes=minutes.round(0),
        fluoro=fluoro.round(0),
        case_number=case_number,
        cusum=cusum,
        kind=kind,
        onset=onset,
        complication_90d=complication_90d,
        answered=answered,
    )


def _grouped_cumsum(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Running sums of ``values`` restarting at every change of ``groups`` (sorted)."""
    total = np.cumsum(values)
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    before = np.r_[0, total[starts[1:] - 1]] if len(starts) else np.array([0])
    lengths = np.diff(np.r_[starts, len(values)])
    return np.asarray(total - np.repeat(before, lengths))


def _instruments(time_point: str) -> list[str]:
    """The instruments a volume episode answers at a time point (MOXFQ where asked, NRS pain)."""
    return ["moxfq", "nrs_pain"] if "moxfq" in DEFAULT_INSTRUMENTS[time_point] else ["nrs_pain"]


def _first_ids(c: _Cohort, parts: Sequence[slice]) -> list[dict[str, int]]:
    """Each chunk's first primary key in each table it writes ids into (after the rows there)."""
    top: dict[str, int] = {}
    for model in (Patient, Episode, QuestionnaireResponse):
        found = model.objects.aggregate(top=models.Max("pk"))["top"] or 0
        top[model._meta.label] = int(found) + 1
    responses = sum(
        answered.astype(np.int64) * len(_instruments(time_point))
        for time_point, answered in c.answered.items()
    )
    before = np.r_[0, np.cumsum(responses)]
    return [
        {
            Patient._meta.label: top[Patient._meta.label] + part.start,
            Episode._meta.label: top[Episode._meta.label] + part.start,
            QuestionnaireResponse._meta.label: top[QuestionnaireResponse._meta.label]
            + int(before[part.start]),
        }
        for part in parts
    ]


@dataclass
class _Job:
    """What every chunk is built from (inherited by the worker processes)."""

    seed: int
    today: dt.date
    stamp: str
    cohort: _Cohort
    teams: dict[int, int]  # surgeon id → care team id
    parts: list[slice]
    first_ids: list[dict[str, int]]  # per chunk: model label → its first id


def _build_chunk(sink: _Sink, job: _Job, index: int) -> tuple[int, int, int]:
    """Chunk ``index``'s rows into ``sink``, drawn from the chunk's own random stream."""
    rng = np.random.default_rng(np.random.SeedSequence(job.seed, spawn_key=(index,)))
    return _write_chunk(sink, rng, job, job.parts[index], dict(job.first_ids[index]))


def _write_chunk(
    writer: _Sink,
    rng: np.random.Generator,
    job: _Job,
    part: slice,
    ids: dict[str, int],
) -> tuple[int, int, int]:
    c, teams, today, stamp = job.cohort, job.teams, job.today, job.stamp
    n = part.stop - part.start
    first = ids[Patient._meta.label]
    patient_ids = np.arange(first, first + n)
    episode_ids = np.arange(ids[Episode._meta.label], ids[Episode._meta.label] + n)
    operated = c.operated[part]
    surgeon = c.surgeon[part]
    births = operated - (c.age[part] * 365.25 + rng.integers(0, 365, n)).astype("timedelta64[D]")
    iso = np.datetime_as_string
    writer.insert(
        Patient,
        [
            "id",
            "site_id",
            "hospital_number",
            "given_name",
            "family_name",
            "date_of_birth",
            "sex",
            "phone",
            "email",
            "reminders",
            "user_id",
            "version",
            "created_at",
            "updated_at",
        ],
        [
            patient_ids.tolist(),
            c.site[part].tolist(),
            [f"VOL-{pk:08d}" for pk in patient_ids.tolist()],
            [GIVEN_NAMES[i % len(GIVEN_NAMES)] for i in patient_ids.tolist()],
            [FAMILY_NAMES[i % len(FAMILY_NAMES)] for i in patient_ids.tolist()],
            iso(births).tolist(),
            np.where(c.female[part], "female", "male").tolist(),
            _Same(""),
            _Same(""),
            _Same("none"),
            _Same(None),
            _Same(1),
            _Same(stamp),
            _Same(stamp),
        ],
    )
    discharged = (np.datetime64(today, "D") - operated).astype(int) > 400
    writer.insert(
        Episode,
        [
            "id",
            "patient_id",
            "side",
            "diagnosis",
            "responsible_surgeon_id",
            "care_team_id",
            "status",
            "referred_on",
            "version",
            "created_at",
            "updated_at",
        ],
        [
            episode_ids.tolist(),
            patient_ids.tolist(),
            np.where(c.right[part], "right", "left").tolist(),
            _Same("Hallux valgus"),
            surgeon.tolist(),
            [teams[int(s)] for s in surgeon.tolist()],
            np.where(
                discharged, EpisodeStatus.DISCHARGED.value, EpisodeStatus.FOLLOW_UP.value
            ).tolist(),
            iso(operated - 75).tolist(),
            _Same(1),
            _Same(stamp),
            _Same(stamp),
        ],
    )
    answered = {time_point: done[part] for time_point, done in c.answered.items()}
    responses, scores, last_answer = _questionnaires(
        writer, rng, episode_ids, operated, answered, ids, today, stamp
    )
    complications, last_event, recurrence_day, reoperation_day = _complications(
        writer, rng, c, part, episode_ids, stamp, today
    )
    post_days = c.post_days[part]
    has_film = post_days >= 0
    film_seen = np.where(has_film, post_days, 0)
    follow_up = np.maximum(np.maximum(film_seen, last_answer), last_event)
    last_seen = operated + follow_up.astype("timedelta64[D]")
    months = operated.astype("datetime64[M]").astype("datetime64[D]")
    mis = c.case_number[part] > 0
    writer.insert(
        CaseSummary,
        [
            "episode_id",
            "site_id",
            "surgeon_id",
            "technique",
            "akin",
            "fixation",
            "operated_on",
            "operated_month",
            "severity",
            "pre_hva_deg",
            "pre_ima_deg",
            "post_hva_deg",
            "post_ima_deg",
            "post_film_days",
            "hva_change_deg",
            "ima_change_deg",
            "operative_time_min",
            "fluoro_time_s",
            "conversion_to_open",
            "mis_case_number",
            *(curve.key for curve in CURVES),
            "complication_90d",
            "recurrence_days",
            "reoperation_days",
            *(f"proms_{time_point}" for time_point in OFFSET_DAYS),
            "follow_up_days",
            "last_seen_on",
            "refreshed_at",
        ],
        [
            episode_ids.tolist(),
            c.site[part].tolist(),
            surgeon.tolist(),
            c.technique[part].tolist(),
            c.akin[part].tolist(),
            c.fixation[part].tolist(),
            iso(operated).tolist(),
            iso(months).tolist(),
            c.severity[part].tolist(),
            c.pre_hva[part].tolist(),
            c.pre_ima[part].tolist(),
            _nullable(c.post_hva[part], has_film),
            _nullable(c.post_ima[part], has_film),
            _nullable(post_days, has_film),
            _nullable((c.pre_hva[part] - c.post_hva[part]).round(1), has_film),
            _nullable((c.pre_ima[part] - c.post_ima[part]).round(1), has_film),
            c.minutes[part].tolist(),
            c.fluoro[part].tolist(),
            _Same(False),
            _nullable(c.case_number[part], mis),
            *(
                _nullable(c.cusum[curve.key][part], mis & ~np.isnan(c.cusum[curve.key][part]))
                for curve in CURVES
            ),
            c.complication_90d[part].tolist(),
            _nullable(recurrence_day, recurrence_day >= 0),
            _nullable(reoperation_day, reoperation_day >= 0),
            *(answered[time_point].tolist() for time_point in OFFSET_DAYS),
            follow_up.astype(int).tolist(),
            iso(last_seen).tolist(),
            _Same(stamp),
        ],
    )
    return responses, scores, complications


def _nullable(values: np.ndarray, present: np.ndarray) -> list[object]:
    listed: list[object] = values.tolist()
    return [v if p else None for v, p in zip(listed, present.tolist(), strict=True)]


def _questionnaires(
    writer: _Sink,
    rng: np.random.Generator,
    episode_ids: np.ndarray,
    operated: np.ndarray,
    answered_at: dict[str, np.ndarray],
    ids: dict[str, int],
    today: dt.date,
    stamp: str,
) -> tuple[int, int, np.ndarray]:
    """MOXFQ and NRS pain at each opened time point, completed at the falling rates above.

    Built as arrays and written in index order (episode, then response and
    domain), so the unique indexes grow at their end instead of all over.
    """
    n = len(episode_ids)
    elapsed = (np.datetime64(today, "D") - operated).astype(int)
    last_answer = np.zeros(n, dtype=np.int64)
    baseline_index = np.clip(rng.normal(*MOXFQ_INDEX["baseline"], n), 0, 100)
    empty = json.dumps(ANSWERS.stamp({"answers": {}}))
    pain_answers = np.array(
        [json.dumps(ANSWERS.stamp({"answers": {"pain": v}})) for v in range(11)], dtype=object
    )
    # One entry per response: its episode, instrument, time point, day, answers and scores.
    parts: dict[str, list[np.ndarray]] = {
        key: [] for key in ("episode", "instrument", "time_point", "day", "answers", "tag")
    }
    scores: list[tuple[np.ndarray, str, np.ndarray]] = []  # (response tags, domain, values)
    tag = 0  # a response's number before the sort
    for time_point, offset in OFFSET_DAYS.items():
        day = -14 if time_point == "baseline" else offset
        where = np.flatnonzero(answered_at[time_point])
        if not len(where):
            continue
        answered = np.minimum(day + rng.integers(-10, 11, len(where)), elapsed[where])
        last_answer[where] = np.maximum(last_answer[where], answered)
        mean, sd = MOXFQ_INDEX[time_point]
        if time_point == "baseline":
            index = baseline_index[where]
        else:
            # Patients with a worse start improve more (regression towards the mean).
            spread = rng.normal(0, sd * 0.8, len(where))
            index = np.clip(mean + 0.45 * (baseline_index[where] - 55.0) + spread, 0, 100)
        pain_mean, pain_sd = NRS_PAIN[time_point]
        noise = rng.normal(0, pain_sd * 0.7, len(where))
        pain = np.clip(np.round(pain_mean + (index - mean) / 12.0 + noise), 0, 10).astype(int)
        for instrument in _instruments(time_point):  # no MOXFQ at 6 weeks
            tags = np.arange(tag, tag + len(where))
            tag += len(where)
            parts["episode"].append(episode_ids[where])
            parts["instrument"].append(np.full(len(where), instrument, dtype=object))
            parts["time_point"].append(np.full(len(where), time_point, dtype=object))
            parts["day"].append(operated[where] + answered.astype("timedelta64[D]"))
            parts["tag"].append(tags)
            if instrument == "nrs_pain":
                parts["answers"].append(pain_answers[pain])
                scores.append((tags, "pain", pain.astype(float)))
                continue
            parts["answers"].append(np.full(len(where), empty, dtype=object))
            points = np.zeros(len(where))
            for key, size in MOXFQ_DOMAINS:
                domain = np.clip(index + rng.normal(0.0, 9.0, len(where)), 0, 100)
                steps = np.round(domain * 4 * size / 100)  # whole item points, as answered
                scores.append((tags, key, (steps * 100 / (4 * size)).round(1)))
                points += steps
            scores.append((tags, "index", (points * 100 / 64).round(1)))
    if not parts["episode"]:
        return 0, 0, last_answer
    episode = np.concatenate(parts["episode"])
    order = np.argsort(episode, kind="stable")
    first_id = ids[QuestionnaireResponse._meta.label]
    count = len(episode)
    new_id = np.empty(count, dtype=np.int64)  # tag → id, ids in episode order
    new_id[np.concatenate(parts["tag"])[order]] = np.arange(first_id, first_id + count)
    # Each column in id order (position j holds the response with id first_id + j).
    sorted_episode = episode[order]
    sorted_names = np.concatenate(parts["instrument"])[order]
    sorted_time_points = np.concatenate(parts["time_point"])[order]
    writer.insert(
        QuestionnaireResponse,
        [
            "id",
            "episode_id",
            "instrument",
            "instrument_version",
            "time_point",
            "status",
            "answers",
            "completed_on",
            "on_paper",
            "entered_by_id",
            "started_at",
            "updated_at",
            "version",
        ],
        [
            range(first_id, first_id + count),
            sorted_episode.tolist(),
            sorted_names.tolist(),
            np.where(sorted_names == "moxfq", "scoring-1", "1").tolist(),
            sorted_time_points.tolist(),
            _Same(ResponseStatus.COMPLETED.value),
            np.concatenate(parts["answers"])[order].tolist(),
            np.datetime_as_string(np.concatenate(parts["day"])[order]).tolist(),
            _Same(False),
            _Same(None),
            _Same(stamp),
            _Same(stamp),
            _Same(1),
        ],
    )
    domain_codes = {key: i for i, key in enumerate(("walking_standing", "pain", "social", "index"))}
    response = np.concatenate([new_id[tags] for tags, _, _ in scores])
    domain = np.concatenate([np.full(len(tags), key, dtype=object) for tags, key, _ in scores])
    code = np.concatenate([np.full(len(tags), domain_codes[key]) for tags, key, _ in scores])
    value = np.concatenate([values for _, _, values in scores])
    score_order = np.lexsort((code, response))
    response = response[score_order]
    at = response - first_id  # each score's response, as a position in id order
    total = len(response)
    writer.insert(
        Score,
        [
            "response_id",
            "episode_id",
            "instrument",
            "domain",
            "time_point",
            "value",
            "reason",
            "profile",
        ],
        [
            response.tolist(),
            sorted_episode[at].tolist(),
            sorted_names[at].tolist(),
            domain[score_order].tolist(),
            sorted_time_points[at].tolist(),
            value[score_order].tolist(),
            _Same(""),
            _Same(""),
        ],
    )
    return count, total, last_answer


def _complications(
    writer: _Sink,
    rng: np.random.Generator,
    c: _Cohort,
    part: slice,
    episode_ids: np.ndarray,
    stamp: str,
    today: dt.date,
) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """Complications near DOMAIN §7's rates, and recurrence where the films show it."""
    n = len(episode_ids)
    operated = c.operated[part]
    elapsed = (np.datetime64(today, "D") - operated).astype(int)
    kind = c.kind[part]
    post_days = c.post_days[part]
    recurred = (post_days >= 182) & (c.post_hva[part] > 15.0)
    last_event = np.zeros(n, dtype=np.int64)
    recurrence_day = np.full(n, -1, dtype=np.int64)  # -1: none (the survival curves' events)
    reoperation_day = np.full(n, -1, dtype=np.int64)
    rows: list[tuple[object, ...]] = []
    for chosen, onset_of in (
        (kind != "", None),
        (recurred, post_days),
    ):
        where = np.flatnonzero(chosen)
        if not len(where):
            continue
        which = kind[where] if onset_of is None else np.full(len(where), "recurrence")
        onset = c.onset[part][where] if onset_of is None else onset_of[where]
        keep = onset <= elapsed[where]
        where, which, onset = where[keep], which[keep], onset[keep]
        chance = np.array([KIND_COURSE[k][2] for k in which.tolist()])
        reoperated = rng.random(len(where)) < chance
        reop_day = onset + rng.integers(14, 180, len(where))
        reoperated &= reop_day <= elapsed[where]
        resolved_day = onset + rng.integers(7, 200, len(where))
        resolved = (rng.random(len(where)) < 0.8) & (resolved_day <= elapsed[where])
        last_event[where] = np.maximum(last_event[where], np.where(reoperated, reop_day, onset))
        if onset_of is not None:
            recurrence_day[where] = onset
        again = where[reoperated]
        earlier = reoperation_day[again]
        reoperation_day[again] = np.where(
            earlier < 0, reop_day[reoperated], np.minimum(earlier, reop_day[reoperated])
        )
        base = operated[where]
        onset_on = np.datetime_as_string(base + onset.astype("timedelta64[D]")).tolist()
        reop_on = np.datetime_as_string(base + reop_day.astype("timedelta64[D]")).tolist()
        resolved_on = np.datetime_as_string(base + resolved_day.astype("timedelta64[D]")).tolist()
        surgeons = c.surgeon[part][where].tolist()
        removed = reoperated & np.isin(which, ["hardware_irritation", "infection_deep"])
        for i, episode in enumerate(episode_ids[where].tolist()):
            grade = KIND_COURSE[which[i]][1] if not reoperated[i] else "IIIb"
            rows.append(
                (
                    episode,
                    str(which[i]),
                    "",
                    onset_on[i],
                    "clavien_dindo",
                    grade,
                    "",
                    bool(reoperated[i]),
                    reop_on[i] if reoperated[i] else None,
                    "Synthetic reoperation" if reoperated[i] else "",
                    bool(removed[i]),
                    resolved_on[i] if resolved[i] else None,
                    None,
                    surgeons[i],
                    stamp,
                    False,
                    1,
                )
            )
    writer.insert(
        Complication,
        [
            "episode_id",
            "kind",
            "description",
            "onset_on",
            "grade_system",
            "grade",
            "treatment",
            "reoperation",
            "reoperated_on",
            "reoperation_reason",
            "implant_removed",
            "resolved_on",
            "alert_id",
            "recorded_by_id",
            "recorded_at",
            "entered_in_error",
            "version",
        ],
        [list(column) for column in zip(*rows, strict=True)] if rows else [[]] * 17,
    )
    return len(rows), last_event, recurrence_day, reoperation_day


@dataclass(frozen=True)
class _Same:
    """A column holding one value in every row."""

    value: object


Column = Sequence[object] | _Same


class _Sink(Protocol):
    """Where a chunk's rows go: the database, or a scratch file."""

    def insert(
        self, model: type[models.Model], fields: Sequence[str], columns: Sequence[Column]
    ) -> None: ...


def _rows(columns: Sequence[Column]) -> Iterator[tuple[object, ...]]:
    """The rows of equally long columns (a ``_Same`` repeats its value in each)."""
    lengths = {len(column) for column in columns if not isinstance(column, _Same)}
    if len(lengths) != 1:
        raise ValueError(f"columns of lengths {sorted(lengths)}")
    # The lengths are checked above; the repeats are endless.
    return zip(*(repeat(c.value) if isinstance(c, _Same) else c for c in columns), strict=False)


class _Writer:
    """Bulk rows into a table: ``executemany`` on SQLite, ``COPY`` on PostgreSQL."""

    def __init__(self) -> None:
        self.vendor = connection.vendor
        self.cache_size: int | None = None
        if self.vendor == "sqlite":
            # A large page cache keeps the unique indexes' pages in memory while
            # they grow (the default 2 MB cache rereads them); put back after.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size")
                self.cache_size = int(cursor.fetchone()[0])
                cursor.execute("PRAGMA cache_size = -262144")  # 256 MB, for this connection

    @contextmanager
    def indexes_rebuilt_after(self, written: Sequence[type[models.Model]]) -> Iterator[None]:
        """Drop the tables' secondary indexes and keys while the rows go in, then build them again.

        Building an index once over sorted rows is many times faster than
        growing it a row at a time in random order, and on PostgreSQL checking
        a foreign key once for the whole table (``ADD CONSTRAINT``) is far
        cheaper than its per-row trigger (PostgreSQL's "Populating a
        Database" advice). On SQLite every index but the primary key's and
        those whose keys the rows arrive in order of (``APPEND_ORDER``: they
        grow at their end, cheaper than a sort after) goes (a unique one,
        built again, checks again); on PostgreSQL the unique and foreign-key
        constraints go and come back, checked, with the plain indexes, with
        memory enough to sort in. The caller's transaction makes it all or
        nothing.
        """
        tables = [model._meta.db_table for model in written]
        constraints: list[tuple[str, str, str]] = []  # table, name, definition
        with connection.cursor() as cursor:
            if self.vendor == "sqlite":
                cursor.execute(
                    "SELECT name, sql, tbl_name FROM sqlite_master WHERE type = 'index'"
                    " AND sql IS NOT NULL"
                )
                found = []
                for name, sql, table in cursor.fetchall():
                    if table not in tables:
                        continue
                    cursor.execute(f"PRAGMA index_info({connection.ops.quote_name(name)})")
                    leading = cursor.fetchone()[2]
                    if leading not in APPEND_ORDER.get(table, ()):
                        found.append((name, sql))
            else:
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
                cursor.execute("SET LOCAL work_mem = '256MB'")
                # Check what this transaction wrote so far (the sites and surgeons)
                # now: a table with pending checks cannot lose its keys.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(
                    "SELECT t.relname, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c"
                    " JOIN pg_class t ON t.oid = c.conrelid WHERE t.relname = ANY(%s)"
                    " AND c.contype IN ('u', 'f') ORDER BY c.contype DESC",  # unique before keys
                    [tables],
                )
                constraints = cursor.fetchall()
                for table, name, _ in reversed(constraints):  # keys first, then unique
                    cursor.execute(
                        f"ALTER TABLE {connection.ops.quote_name(table)}"
                        f" DROP CONSTRAINT {connection.ops.quote_name(name)}"
                    )
                cursor.execute(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s)"
                    " AND NOT EXISTS (SELECT 1 FROM pg_constraint c"
                    " WHERE c.conindid = (quote_ident(i.schemaname) || '.' ||"
                    " quote_ident(i.indexname))::regclass)",
                    [tables],
                )
                found = cursor.fetchall()
            for name, _ in found:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        yield
        with connection.cursor() as cursor:
            if self.vendor == "sqlite":
                # The sorter behind CREATE INDEX is faster in small runs it merges
                # (a fifth to a third, measured) than in one sort as large as the cache.
                cursor.execute(f"PRAGMA cache_size = {SORT_CACHE_KIB}")
            for _, definition in found:
                cursor.execute(definition)
            for table, name, definition in constraints:
                cursor.execute(
                    f"ALTER TABLE {connection.ops.quote_name(table)}"
                    f" ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
                )

    def timestamp(self, day: dt.date) -> str:
        # SQLite keeps aware datetimes as naive UTC text; PostgreSQL reads the offset.
        return f"{day.isoformat()} 00:00:00" + ("" if self.vendor == "sqlite" else "+00")

    def insert(
        self, model: type[models.Model], fields: Sequence[str], columns: Sequence[Column]
    ) -> None:
        table = model._meta.db_table
        names = [_column(model, f) for f in fields]
        quoted = ", ".join(connection.ops.quote_name(c) for c in names)
        rows = _rows(columns)
        if self.vendor == "postgresql":
            with connection.cursor() as cursor:
                raw = cursor.cursor
                with raw.copy(
                    f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"
                ) as copy:
                    for row in rows:
                        copy.write_row(row)
            return
        marks = ", ".join("?" for _ in names)
        connection.ensure_connection()
        # Table and column names come from the models, never from input.
        sql = f"INSERT INTO {connection.ops.quote_name(table)} ({quoted}) VALUES ({marks})"  # noqa: S608
        connection.connection.executemany(sql, rows)

    def finish(self, written: Sequence[type[models.Model]]) -> None:
        """Move the id sequences past the ids written, and refresh the planner's statistics."""
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), list(written)):
                cursor.execute(statement)
            if self.vendor == "sqlite":
                cursor.execute("PRAGMA analysis_limit = 2000")  # sampled: seconds, not minutes
                cursor.execute("ANALYZE")
                cursor.execute(f"PRAGMA cache_size = {self.cache_size}")
            else:  # the tables written (the whole database would reread the rest)
                tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in written)
                cursor.execute(f"ANALYZE {tables}")


# Indexes (by their first column) the rows arrive in order of, kept during the
# load on SQLite: ids grow from chunk to chunk, and within a chunk the
# responses and scores are in episode order (entered_by is empty throughout).
APPEND_ORDER = {
    Episode._meta.db_table: ("patient_id",),
    QuestionnaireResponse._meta.db_table: ("episode_id", "entered_by_id"),
    Score._meta.db_table: ("response_id", "episode_id"),
}


@dataclass
class _Staged:
    """A chunk built into a scratch file: which rows (rowids) of each table are its."""

    index: int
    path: str
    counts: tuple[int, int, int]  # responses, scores, complications
    rows: dict[str, tuple[int, int]] = field(default_factory=dict)  # table → first, last rowid
    columns: dict[str, tuple[str, ...]] = field(default_factory=dict)  # those in the file
    constants: dict[str, list[tuple[str, object]]] = field(default_factory=dict)  # the others


class _ScratchSink:
    """A scratch SQLite file (no keys, no indexes, no journal) that chunks are built into.

    A column with one value in every row stays out of the file: the copy
    selects it as a parameter.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.execute("PRAGMA journal_mode = OFF")
        self.db.execute("PRAGMA synchronous = OFF")
        self.written: dict[str, int] = {}  # table → rows in the file
        self.staged = _Staged(-1, path, (0, 0, 0))

    def chunk(self, job: _Job, index: int) -> _Staged:
        self.staged = _Staged(index, self.path, (0, 0, 0))
        self.db.execute("BEGIN")
        self.staged.counts = _build_chunk(self, job, index)
        self.db.execute("COMMIT")
        return self.staged

    def insert(
        self, model: type[models.Model], fields: Sequence[str], columns: Sequence[Column]
    ) -> None:
        table = model._meta.db_table
        quote = connection.ops.quote_name
        named = [(_column(model, f), c) for f, c in zip(fields, columns, strict=True)]
        constants = [(name, c.value) for name, c in named if isinstance(c, _Same)]
        varying: list[tuple[str, Sequence[object]]] = [
            (name, c) for name, c in named if not isinstance(c, _Same)
        ]
        names = tuple(name for name, _ in varying)
        if table not in self.written:
            self.db.execute(f"CREATE TABLE {quote(table)} ({', '.join(map(quote, names))})")
            self.written[table] = 0
        count = len(varying[0][1])
        marks = ", ".join("?" for _ in names)
        self.db.executemany(
            f"INSERT INTO {quote(table)} VALUES ({marks})",  # noqa: S608
            _rows([c for _, c in varying]),
        )
        first = self.staged.rows.get(table, (self.written[table] + 1, 0))[0]
        self.written[table] += count
        self.staged.rows[table] = (first, self.written[table])
        self.staged.columns[table] = names
        self.staged.constants[table] = constants

    def close(self) -> None:
        self.db.close()


GROUPS = 8  # scratch files at most (SQLite attaches ten databases at most)

_JOB: tuple[_Job, str] | None = None  # the job and scratch directory, for forked workers


def _groups(chunks: int) -> list[range]:
    """The chunks, in order, shared among at most ``GROUPS`` scratch files."""
    count = min(chunks, GROUPS)
    return [range(g * chunks // count, (g + 1) * chunks // count) for g in range(count)]


def _build_group(group: int) -> list[_Staged]:
    """Build one scratch file's chunks (in a worker process, or in this one)."""
    if _JOB is None:
        raise RuntimeError("no volume job")
    job, directory = _JOB
    sink = _ScratchSink(os.path.join(directory, f"chunks-{group}.sqlite3"))
    try:
        return [sink.chunk(job, index) for index in _groups(len(job.parts))[group]]
    finally:
        sink.close()


class _Scratch:
    """Chunks built into scratch SQLite files (by worker processes), then copied in.

    ``INSERT INTO t SELECT … FROM scratch.t`` is one statement a table and
    chunk where ``executemany`` runs one per row (each with its AUTOINCREMENT
    bookkeeping and foreign-key lookups), and the workers build the rows
    while this process copies the files already built. A scratch file, once
    read inside the transaction, cannot be detached until it ends, and SQLite
    attaches ten at most: the chunks are shared among at most eight files,
    each attached once it is complete, all detached (and deleted) after the
    transaction.
    """

    def __enter__(self) -> _Scratch:
        self.directory = tempfile.mkdtemp(prefix="halluxpath-volume-")
        self.aliases: list[str] = []
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        try:
            with connection.cursor() as cursor:
                for alias in self.aliases:
                    cursor.execute(f"DETACH DATABASE {alias}")
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)

    def load(
        self, job: _Job, workers: int, written: Sequence[type[models.Model]]
    ) -> Iterator[_Staged]:
        """Build every chunk (in ``workers`` processes, or this one) and copy it in, in order."""
        global _JOB
        _JOB = (job, self.directory)
        groups = range(len(_groups(len(job.parts))))
        try:
            if workers < 1:
                for group in groups:
                    yield from self.copy_in(_build_group(group), written)
                return
            # Forked: the workers inherit the cohort; they never touch Django's connection.
            pool = multiprocessing.get_context("fork").Pool(workers, default_termination)
            try:
                for built in pool.imap(_build_group, groups):
                    yield from self.copy_in(built, written)
                pool.close()
            finally:
                pool.terminate()
                pool.join()
        finally:
            _JOB = None

    def copy_in(self, built: list[_Staged], written: Sequence[type[models.Model]]) -> list[_Staged]:
        """Copy one scratch file's chunks into the tables, table by table, chunk by chunk."""
        quote = connection.ops.quote_name
        alias = f"volume_chunks_{len(self.aliases)}"
        with connection.cursor() as cursor:
            cursor.execute(f"ATTACH DATABASE %s AS {alias}", [built[0].path])
            self.aliases.append(alias)
            for model in written:
                table = model._meta.db_table
                for staged in built:
                    first, last = staged.rows.get(table, (1, 0))
                    if last < first:
                        continue
                    constants = staged.constants[table]
                    selected = ", ".join(map(quote, staged.columns[table]))
                    names = ", ".join([selected, *(quote(name) for name, _ in constants)])
                    values = ", ".join([selected, *("%s" for _ in constants)])
                    params: list[Any] = [value for _, value in constants]
                    cursor.execute(
                        f"INSERT INTO {quote(table)} ({names}) SELECT {values}"  # noqa: S608
                        f" FROM {alias}.{quote(table)} WHERE rowid BETWEEN %s AND %s",
                        [*params, first, last],
                    )
        return built


def _column(model: type[models.Model], name: str) -> str:
    """The database column of a field named as in ``Model.objects.values()`` (``site_id``)."""
    field = model._meta.get_field(name[:-3] if name.endswith("_id") and name != "id" else name)
    column = getattr(field, "column", None)
    if not isinstance(column, str):
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return column
