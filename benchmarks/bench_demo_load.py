"""The first ``make run``'s demo load against the bare install (issue 13, item 7).

Bare install (the baseline): start Django and ``migrate`` an empty SQLite
database, what ``make setup`` does before it loads the demo. Ours: that, then
the whole demo load (``halluxpath.demo.load_everything``: sites, accounts and
patients, films, surgical records, aftercare plans, check-ins, and whatever
later parts the composer gains), each part timed. Both run in this process
on a fresh database in a scratch directory, so no other data is touched;
the directory (about 130 MB at size 300) is removed at the end unless
``HALLUXPATH_BENCH_KEEP=1`` asks to keep it for a look.

Budget: the whole (migrate plus demo) at most 30 s on a two-core machine.
Wall time is what a newcomer waits; CPU time (this process and the consent
sheets' worker) is printed beside it, because on a shared machine the wall time
also counts other people's work: when CPU exceeds wall, the cores were used
in parallel; when wall far exceeds CPU / cores, the machine was busy. The
consent sheets' worker is counted when it is joined, at the end of the
surgical records: its CPU shows on the line "surgical records (the rest)".
The films' pixels are drawn after the load (imaging.drawing: on first view,
or by the task worker); their drawing is timed last, on a line of its own,
outside the whole.

    python benchmarks/bench_demo_load.py [size]
"""

from __future__ import annotations

import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BUDGET_S = 30.0
SIZE = int(sys.argv[1]) if len(sys.argv) > 1 else None


def cpu_s() -> float:
    """CPU seconds of this process and its finished children (the film workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class Clock:
    def __init__(self) -> None:
        self.parts: list[tuple[str, float, float]] = []

    def time(self, name: str, work: Callable[[], Any]) -> Any:
        wall, cpu = time.perf_counter(), cpu_s()
        result = work()
        self.parts.append((name, time.perf_counter() - wall, cpu_s() - cpu))
        return result

    def timed(self, name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            return self.time(name, lambda: function(*args, **kwargs))

        return run


def made() -> str:
    """What the load made: films by time point, recurrence proposals, case summaries."""
    from django.apps import apps
    from django.db.models import Count

    from halluxpath.imaging.models import Radiograph

    films = dict(
        Radiograph.objects.values_list("time_point").annotate(n=Count("pk")).order_by("time_point")
    )
    words = [f"films {sum(films.values())} ({', '.join(f'{k} {n}' for k, n in films.items())})"]
    for label, model in (
        ("recurrence proposals", "complications.RecurrenceProposal"),
        ("case summaries", "registry.CaseSummary"),
    ):
        if apps.is_installed(f"halluxpath.{model.split('.')[0]}"):
            words.append(f"{label} {apps.get_model(model).objects.count()}")
    return "made: " + "; ".join(words)


def main() -> None:
    scratch = Path(tempfile.mkdtemp(prefix="halluxpath-bench-demo-"))
    os.environ["HALLUXPATH_DATA_DIR"] = str(scratch)
    os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'demo.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "halluxpath.site.settings")
    clock = Clock()
    wall, cpu = time.perf_counter(), cpu_s()
    import django

    clock.time("django start-up", django.setup)
    from django.core.management import call_command

    clock.time("migrate (empty database)", lambda: call_command("migrate", verbosity=0))
    bare_wall, bare_cpu = time.perf_counter() - wall, cpu_s() - cpu

    from halluxpath import demo

    # Each part of the composer timed where the composer calls it.
    for name in (
        "load_demo",
        "refresh_planner_statistics",
        "load_demo_films",
        "load_demo_surgery",
        "load_demo_plans",
        "book_demo_theatre_day",
        "load_demo_check_ins",
        "load_demo_questionnaires",
        "load_demo_complications",
        "refresh_all",
    ):
        if hasattr(demo, name):  # an older composer may lack a part
            setattr(demo, name, clock.timed(name, getattr(demo, name)))
    # The composer makes each episode's surgical records as its films are
    # stored: their time is inside the films' line too.
    if hasattr(demo, "SurgeryDemo"):
        records = demo.SurgeryDemo
        records.add = clock.timed("  of which surgical records", records.add)
        records.finish = clock.timed("surgical records (the rest)", records.finish)
    from halluxpath.imaging import demo as films

    if hasattr(films, "_follow_up_film"):  # stored and measured through the actions
        films._follow_up_film = clock.timed("  of which follow-up films", films._follow_up_film)
    size = SIZE if SIZE is not None else demo.DEFAULT_SIZE
    clock.time("demo load (whole)", lambda: demo.load_everything(size))
    total_wall, total_cpu = time.perf_counter() - wall, cpu_s() - cpu
    print(made())

    print(f"{'part':34} {'wall s':>8} {'cpu s':>8}")
    merged: dict[str, tuple[float, float]] = {}
    for name, part_wall, part_cpu in clock.parts:
        was = merged.get(name, (0.0, 0.0))
        merged[name] = (was[0] + part_wall, was[1] + part_cpu)
    for name, (part_wall, part_cpu) in merged.items():
        print(f"{name:34} {part_wall:8.2f} {part_cpu:8.2f}")
    demo_wall = merged["demo load (whole)"][0]
    print(f"{'bare install (start-up + migrate)':34} {bare_wall:8.2f} {bare_cpu:8.2f}")
    print(f"{'whole (bare install + demo)':34} {total_wall:8.2f} {total_cpu:8.2f}")
    print(f"ratio demo load / bare install: {demo_wall / bare_wall:.1f}")
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        f"cpu s: this process {own.ru_utime + own.ru_stime:.1f}, "
        f"worker processes (consent sheets) {workers.ru_utime + workers.ru_stime:.1f}"
    )
    print(f"cores: {len(os.sched_getaffinity(0))}; load average {os.getloadavg()[0]:.1f}")
    verdict = "within" if total_wall <= BUDGET_S else "OVER"
    print(f"whole {total_wall:.1f} s: {verdict} the {BUDGET_S:.0f} s budget (size {size})")
    # Not part of the load: the films' pixels, drawn afterwards by the task worker
    # (imaging.drawing; a film viewed first is drawn by its view).
    from halluxpath.imaging.drawing import draw_pending

    wall, cpu = time.perf_counter(), cpu_s()
    drawn = draw_pending()
    print(
        f"afterwards (task worker, not in the load): {drawn} films drawn in "
        f"{time.perf_counter() - wall:.1f} s wall, {cpu_s() - cpu:.1f} s CPU"
    )


if __name__ == "__main__":
    main()
    if os.environ.get("HALLUXPATH_BENCH_KEEP") != "1":
        shutil.rmtree(os.environ["HALLUXPATH_DATA_DIR"], ignore_errors=True)
    else:
        print(f"kept: {os.environ['HALLUXPATH_DATA_DIR']}")
