"""Synthetic films for the demo cohort, put through the real upload pipeline.

Every episode that has been assessed gets a pre-operative film; operated
episodes also get a 6-week film showing the correction and the osteotomy.
The responsible surgeon's landmarks are saved on each; on a share of the
films a second surgeon measures too, with realistic reading differences, so
the agreement report has data. Idempotent: episodes that already have films
are left alone.

Operated episodes then get standing follow-up films at 6 and 12 months
(when that day has passed, and not every patient comes: issue 13 item 7),
stored and measured through the real actions once the episode's surgical
records exist (``then``), so saving the reading proposes recurrence where the
film shows it (complications, DOMAIN §2) and refreshes the registry's case
summary. The correction holds on most feet (HVA about 10°, IMA about 8°);
a few recur (HVA above 15° at 6 months or later), more often after a severe
deformity (DOMAIN §7: 2.2 % overall after MIS distal osteotomy, far more in
severe hallux valgus).

Drawing a film and putting it through the upload pipeline (the DICOM file,
its reading, de-identification and re-encoding) is about 60 ms of CPU a
film, more than the rest of the demo load together. A film's landmarks come
from its geometry, not its pixels, so by default each film is stored as a
row with its landmarks and readings (``pending_radiograph``) and its files
are drawn later through the same pipeline (``imaging.drawing``: on first
view, or by the task worker). With ``draw_now`` they are drawn here, in
worker processes, one per core, while this process stores them
(``stored_radiograph``, the one storing path). Every random draw stays in
this process, in the order it always had, so the same seed gives the same
demo however many cores there are (issue 13: the first ``make run`` is a
newcomer's first impression).
"""

from __future__ import annotations

import multiprocessing
import os
import random
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from halluxpath.accounts.models import CareTeam, Role, User
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.core.grading import severity
from halluxpath.core.landmarks import landmarks_from_document
from halluxpath.core.radiograph import Laterality, measure
from halluxpath.core.stopping import default_termination
from halluxpath.imaging.actions import pending_radiograph, save_measurement, stored_radiograph
from halluxpath.imaging.drawing import DrawnFilm, FilmOrder, FilmPlan, draw, file_facts
from halluxpath.imaging.models import Measurement, Radiograph
from halluxpath.imaging.synthetic import FootGeometry, landmarks
from halluxpath.patients.demo import reached
from halluxpath.patients.models import Episode, Status

# Small films keep the demo quick to load and small on disk (about 160 kB a
# film, JPEG-compressed DICOM plus the display PNG): a foot at 0.3125 mm/pixel.
FILM_SIZE = (480, 624)  # columns, rows
FILM_SPACING_MM = (0.3125, 0.3125)
FILM_NOISE = 0.008
SECOND_OBSERVER_SHARE = 0.3
ASSESSED_OR_LATER = [
    Status.ASSESSED,
    Status.PLANNED,
    Status.OPERATED,
    Status.FOLLOW_UP,
    Status.DISCHARGED,
]
OPERATED_OR_LATER = [Status.OPERATED, Status.FOLLOW_UP, Status.DISCHARGED]


# Follow-up films after the 6-week one (time point, days after the operation at
# the earliest, how much later at most, share of patients who come). A film
# at 182 days or later is the one that can show recurrence (DOMAIN §2).
FOLLOW_UPS = (("6m", 182, 28, 0.85), ("12m", 365, 42, 0.65))
FOLLOW_UP_POINTS = frozenset(point for point, *_ in FOLLOW_UPS)
# Chance that the correction is lost by 6 months, by pre-operative severity
# (DOMAIN §7: recurrence 2.2 % after MIS distal osteotomy, far more in severe
# hallux valgus); about 5 % of the demo's operated feet.
RECURRENCE_CHANCE = {"normal": 0.02, "mild": 0.02, "moderate": 0.03, "severe": 0.1}
# The reading's landmark differences move a measured HVA by up to about 2°:
# a recurred foot and a held one stay clear of the 15° threshold by more.
RECURRED_HVA_DEG = (17.5, 26.0)
HELD_HVA_MAX_DEG = 12.5


# Below this many films the worker processes cost more to start than they save.
PARALLEL_FROM_FILMS = 16


def _plans(episode: Episode, rng: random.Random, today: date) -> list[FilmPlan]:
    """A pre-operative film before the assessment; a 6-week film once 6 weeks have passed.

    Films are dated where they belong in the episode's history: never after
    the day they would have been looked at (a pre-operative film before the
    assessment, a post-operative one at about 6 weeks, DOMAIN §11.1), never
    in the future.
    """
    days = reached(episode)
    assessed = days.get(Status.ASSESSED, episode.referred_on + timedelta(days=21))
    before = max((assessed - episode.referred_on).days, 0)
    hva = rng.uniform(18, 42)
    ima = rng.uniform(9, 18)
    pre = FootGeometry(
        hva_deg=hva,
        ima_deg=ima,
        hvia_deg=rng.uniform(4, 14),
        dmaa_deg=rng.uniform(4, 16),
        sesamoid_fraction=rng.uniform(0.45, 0.95),
        side=episode.side,
        width=FILM_SIZE[0],
        height=FILM_SIZE[1],
        pixel_spacing_mm=FILM_SPACING_MM,
        seed=rng.randrange(10**6),
        noise=FILM_NOISE,
    )
    plans = [FilmPlan("pre_op", pre, episode.referred_on + timedelta(days=rng.randint(0, before)))]
    operated = days.get(Status.OPERATED)
    six_weeks = operated + timedelta(days=rng.randint(40, 48)) if operated else None
    if episode.status in OPERATED_OR_LATER and operated and six_weeks and six_weeks <= today:
        post = FootGeometry(
            hva_deg=min(max(rng.gauss(10, 4), 3.0), 15.0),
            ima_deg=min(max(rng.gauss(8, 2), 4.0), 12.0),
            hvia_deg=rng.uniform(1, 6),
            dmaa_deg=rng.uniform(2, 9),
            sesamoid_fraction=rng.uniform(0.1, 0.5),
            side=episode.side,
            width=FILM_SIZE[0],
            height=FILM_SIZE[1],
            pixel_spacing_mm=FILM_SPACING_MM,
            seed=rng.randrange(10**6),
            translation_pct=rng.uniform(40, 90),
            noise=FILM_NOISE,
        )
        plans.append(FilmPlan("6w", post, six_weeks))
        plans += _follow_ups(pre, post, operated, rng, today)
    return plans


def _follow_ups(
    pre: FootGeometry, post: FootGeometry, operated: date, rng: random.Random, today: date
) -> list[FilmPlan]:
    """The 6- and 12-month films of those who come, dated before today.

    The angles drift a little from the 6-week film's; on a foot that recurs
    (decided once, by pre-operative severity) the HVA is above 15° on every
    film from 6 months on. Every draw is made whether or not the film is
    taken, so one patient's films do not shift another's.
    """
    recurs = rng.random() < RECURRENCE_CHANCE[severity(pre.hva_deg, pre.ima_deg)]
    hva, ima, sesamoids = post.hva_deg, post.ima_deg, post.sesamoid_fraction
    plans = []
    for point, earliest, later, comes in FOLLOW_UPS:
        taken = operated + timedelta(days=earliest + rng.randint(0, later))
        attends = rng.random() < comes
        hva += rng.gauss(0.8, 1.0)
        ima += rng.gauss(0.3, 0.6)
        if recurs:
            hva = max(hva, rng.uniform(*RECURRED_HVA_DEG))
            sesamoids = max(sesamoids, rng.uniform(0.5, 0.8))
        else:
            hva = min(max(hva, 2.0), HELD_HVA_MAX_DEG)
        ima = min(max(ima, 3.0), 14.0)
        geometry = replace(
            post, hva_deg=hva, ima_deg=ima, sesamoid_fraction=sesamoids, seed=rng.randrange(10**6)
        )
        if attends and taken < today:
            plans.append(FilmPlan(point, geometry, taken))
    return plans


def _jittered(document: dict[str, Any], rng: random.Random, pixels: float) -> dict[str, Any]:
    points = {
        name: [round(x + rng.gauss(0, pixels), 1), round(y + rng.gauss(0, pixels), 1)]
        for name, (x, y) in document["points"].items()
    }
    return {**document, "points": points}


def _save_measurement(radiograph: Radiograph, observer: User, document: dict[str, Any]) -> None:
    landmarks = landmarks_from_document(document)
    Measurement.objects.create(
        radiograph=radiograph,
        observer=observer,
        landmarks=landmarks.to_document(),
        results=measure(landmarks).to_json(),
    )


def _follow_up_film(episode: Episode, order: FilmOrder, films: _Films, rng: random.Random) -> None:
    """Store a follow-up film and save the surgeon's reading through the action.

    ``save_measurement`` checks and measures the landmarks, records the
    audit event, proposes recurrence when the film shows it and refreshes
    the registry's case summary: what a surgeon's reading does.
    """
    surgeon = episode.responsible_surgeon
    with films.stored(episode, order) as (radiograph, true_landmarks):
        pass
    save_measurement(
        Actor(surgeon),
        radiograph.pk,
        radiograph.version,
        landmarks_from_document(_jittered(true_landmarks, rng, 0.6)),
    )


class _Films:
    """Stores the demo's films: drawn now (``drawn``, the films in order) or left for
    ``imaging.drawing`` to draw when first needed (``None``)."""

    def __init__(self, drawn: Iterator[DrawnFilm] | None, first: FilmOrder | None) -> None:
        self.drawn = drawn
        self.template: dict[str, Any] = {}
        self.suffix = ".dcm"
        if drawn is None and first is not None:
            # What every demo file says that does not depend on its geometry (format,
            # spacing source, de-identification): read from one film drawn here.
            sample = draw(first)
            self.template, self.suffix = file_facts(sample.image), sample.image.stored_suffix

    def facts(self, order: FilmOrder) -> dict[str, Any]:
        geometry = order.plan.geometry
        return {
            **self.template,
            "file_laterality": Laterality(geometry.side).value,
            "file_acquired_on": order.plan.taken,
            "width": geometry.width,
            "height": geometry.height,
            "row_spacing_mm": geometry.pixel_spacing_mm[0],
            "column_spacing_mm": geometry.pixel_spacing_mm[1],
        }

    @contextmanager
    def stored(
        self, episode: Episode, order: FilmOrder
    ) -> Iterator[tuple[Radiograph, dict[str, Any]]]:
        """The film's row (in a transaction with the body) and its true landmarks."""
        surgeon = episode.responsible_surgeon
        if self.drawn is None:
            with transaction.atomic():
                radiograph = pending_radiograph(
                    episode, order, self.facts(order), self.suffix, uploaded_by=surgeon
                )
                yield radiograph, landmarks(order.plan.geometry)
            return
        film = next(self.drawn)
        with stored_radiograph(
            episode,
            film.image,
            time_point=order.plan.time_point,
            acquired_on=order.plan.taken,
            weight_bearing=True,
            uploaded_by=surgeon,
            display_png=film.display_png,
        ) as radiograph:
            yield radiograph, film.landmarks


def _colleagues() -> dict[int, dict[int, User]]:
    """For each care team and surgeon, another surgeon of the same team, if any."""
    result: dict[int, dict[int, User]] = {}
    for team in CareTeam.objects.prefetch_related("members"):
        surgeons = sorted(
            (m for m in team.members.all() if m.role == Role.SURGEON), key=lambda u: u.username
        )
        result[team.pk] = {s.pk: o for s in surgeons for o in surgeons if o.pk != s.pk}
    return result


def _workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _drawn(orders: Sequence[FilmOrder]) -> Iterator[DrawnFilm]:
    """The orders' films, in order: drawn by one worker process per core when it pays.

    Workers are forked (they inherit the loaded code, not a fresh Django) and
    never touch the database; the caller stores what they return. A process
    running other threads (a test's live server, say) draws the films itself:
    forking it could copy a lock another thread holds.
    """
    workers = min(_workers(), 4)
    if (
        workers < 2
        or len(orders) < PARALLEL_FROM_FILMS
        or threading.active_count() > 1
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        yield from map(draw, orders)
        return
    with multiprocessing.get_context("fork").Pool(workers, default_termination) as pool:
        yield from pool.imap(draw, orders, chunksize=4)


def load_demo_films(
    seed: int = 2026,
    today: date | None = None,
    *,
    then: Callable[[Episode], object] | None = None,
    draw_now: bool = False,
) -> int:
    """Add films to demo episodes that have none; return how many were added.

    ``then(episode)``, if given, runs after each episode's films are stored,
    while the workers draw the next ones (the composer makes the surgical
    records there; this app knows nothing of them).

    By default the films' files are left to draw when first needed
    (``imaging.drawing``: their rows, landmarks and readings come from the
    geometry); ``draw_now`` draws and stores them here, in worker processes.
    """
    today = today or timezone.localdate()
    colleagues = _colleagues()
    episodes = (
        Episode.objects.filter(
            status__in=ASSESSED_OR_LATER,
            patient__hospital_number__startswith="DEMO",
            radiographs__isnull=True,
        )
        .select_related("patient", "responsible_surgeon")
        .prefetch_related("status_changes")
        .order_by("pk")
    )
    # Every random draw in the order it always had: an episode's plans, then
    # for each of its films the readers' landmark differences.
    planned = [
        (
            episode,
            episode_rng,
            [
                FilmOrder(plan, episode.patient.hospital_number)
                for plan in _plans(episode, episode_rng, today)
            ],
        )
        for episode in episodes
        for episode_rng in [random.Random(seed * 1_000_003 + episode.pk)]
    ]
    orders = [order for _, _, episode_orders in planned for order in episode_orders]
    films = _Films(_drawn(orders) if draw_now else None, orders[0] if orders else None)
    added = 0
    for episode, episode_rng, episode_orders in planned:
        for order in episode_orders:
            if order.plan.time_point in FOLLOW_UP_POINTS:
                continue  # after the records, below
            with films.stored(episode, order) as (radiograph, true_landmarks):
                _save_measurement(
                    radiograph,
                    episode.responsible_surgeon,
                    _jittered(true_landmarks, episode_rng, 0.6),
                )
                colleague = colleagues.get(episode.care_team_id, {}).get(
                    episode.responsible_surgeon_id
                )
                if colleague and episode_rng.random() < SECOND_OBSERVER_SHARE:
                    _save_measurement(
                        radiograph, colleague, _jittered(true_landmarks, episode_rng, 1.2)
                    )
            added += 1
        if then is not None:
            then(episode)
        for order in episode_orders:
            if order.plan.time_point in FOLLOW_UP_POINTS:
                _follow_up_film(episode, order, films, episode_rng)
                added += 1
    if added:
        record(Actor(user=None), "create", object_type="demo_films", detail={"films": added})
    return added
