"""The demo, composed from each app's demo part, in dependency order.

Patients (with the sites and accounts) first, then synthetic films (dated in
each episode's history), then the surgical records made from them
(assessment, plan, consent, checklist, signed operative record), then
aftercare plans for the operated feet and a theatre day, then the check-ins
(and their alerts) of the feet operated in the last twelve weeks, then the
questionnaires at every time point whose window has opened, then the
complications (some from the triage alerts, recurrence decided from the
follow-up films' proposals). Each part is
idempotent, so the whole is. No app's demo imports a later app's: this module
is the only place that knows them all (issue 11, clean layers).

Speed (issue 13: the first ``make run`` must load in seconds, measured by
benchmarks/bench_demo_load.py): after each part that fills tables the
database's planner statistics are refreshed (``ANALYZE``). Without them
SQLite's planner guesses at a freshly filled database and picks poor plans
for the access helpers' care-team subqueries (a few milliseconds a query
instead of a fraction of one), which was most of the database time of the
surgical records. The films' rows, landmarks and readings are made here
from their geometry; their pixels are drawn later (imaging.drawing): when
first viewed, or by the task worker (``draw_pending_films``, enqueued at the
end). The consent sheets' PDFs are drawn in a worker process (surgery.demo),
and every file written is synced to disk once, at the end
(imaging.storage.synced_once).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from halluxpath.aftercare.demo import book_demo_theatre_day, load_demo_check_ins, load_demo_plans
from halluxpath.complications.demo import DemoComplications, load_demo_complications
from halluxpath.imaging import storage
from halluxpath.imaging.demo import load_demo_films
from halluxpath.imaging.models import PendingDrawing
from halluxpath.imaging.tasks import draw_pending_films
from halluxpath.outcomes.demo import DemoQuestionnaires, load_demo_questionnaires
from halluxpath.patients.demo import DEFAULT_SEED, DEFAULT_SIZE, DemoReport, load_demo
from halluxpath.patients.models import Episode
from halluxpath.registry.actions import refresh_all, summaries_deferred
from halluxpath.surgery.demo import SurgeryDemo, SurgeryDemoReport

__all__ = ["DEFAULT_SEED", "DEFAULT_SIZE", "DemoResult", "load_everything"]


@dataclass(frozen=True)
class DemoResult:
    people: DemoReport
    plans: int
    films: int | None  # None when films were skipped
    surgery: SurgeryDemoReport | None  # None with the films (a plan needs a measured film)
    check_ins: int = 0  # of the feet operated in the last twelve weeks (they need the records)
    questionnaires: DemoQuestionnaires | None = None
    complications: DemoComplications | None = None  # None with the films (no operated feet)


# After how many episodes' films and records the planner statistics are
# refreshed again (the first ones tell the planner the new tables are small).
STATISTICS_AFTER_EPISODES = frozenset({10, 40, 120})


def refresh_planner_statistics() -> None:
    """``ANALYZE`` the database: table sizes and index spread for the query planner.

    Reads and summarises; it writes no record (only the database's own
    statistics tables), so it needs no action. A no-op on other databases.
    """
    if connection.vendor in ("sqlite", "postgresql"):
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def load_everything(
    size: int = DEFAULT_SIZE, seed: int = DEFAULT_SEED, *, films: bool = True
) -> DemoResult:
    # The films, display copies and sheets synced to disk once, at the end,
    # not one by one (imaging.storage.synced_once: 15 s of waiting otherwise).
    with storage.synced_once():
        result = _load_everything(size, seed, films=films)
    if PendingDrawing.objects.exists():
        draw_pending_films.enqueue()  # the films' pixels, drawn by the task worker
    return result


def _load_everything(size: int, seed: int, *, films: bool) -> DemoResult:
    people = load_demo(size, seed)
    refresh_planner_statistics()
    surgery: SurgeryDemoReport | None = None
    added: int | None = None
    # Case summaries: rebuilt once at the end (refresh_all), not on each signed
    # record or film reading, each of which would renumber the surgeon's whole
    # learning curve (quadratic over a demo; issue 13 item 7).
    with summaries_deferred() as noted:
        if films:
            # Each episode's surgical records right after its films; statistics
            # refreshed as the tables fill.
            records = SurgeryDemo(seed)
            # The consent sheets drawn by a worker process (forked before any
            # other thread could run).
            records.draw_sheets_ahead()
            done = [0]

            def records_of(episode: Episode) -> None:
                records.add(episode)
                done[0] += 1
                if done[0] in STATISTICS_AFTER_EPISODES:
                    refresh_planner_statistics()

            # Follow-up films (issue 13 item 7, fastdemo): load_demo_films stores an
            # episode's 6- and 12-month films after records_of(episode), and reads
            # them through imaging's save_measurement (recurrence proposals, the
            # registry's case summary), so they need no step of their own here.
            try:
                added = load_demo_films(seed, then=records_of)
                surgery = records.finish()
            finally:
                records.close()  # the sheets' worker, if a failure left it running
        plans = load_demo_plans() + book_demo_theatre_day()
        check_ins = load_demo_check_ins() if films else 0
        # Later parts go here, each after the records it needs. Follow-up films
        # come before the complications (their measurements raise the recurrence
        # proposals the complications step decides). Keep the whole load within
        # the benchmark's budget (benchmarks/bench_demo_load.py, 30 s on two cores).
        refresh_planner_statistics()
        # Questionnaires reuse the check-ins' portal accounts; the operation day
        # comes from the record or the aftercare plan, so they run without films.
        questionnaires = load_demo_questionnaires(seed=seed, today=timezone.localdate())
        complications = load_demo_complications(seed=seed) if films else None
        refresh_all()  # the dashboards' case summaries, with every step's dates in them
        noted.clear()  # refresh_all rebuilt every row: nothing left for the deferral
    refresh_planner_statistics()
    return DemoResult(people, plans, added, surgery, check_ins, questionnaires, complications)
