"""The registry at a million episodes: the generator's speed and each dashboard's.

Issue 13's benchmark. In one run, on one database (a throwaway SQLite file,
or the database DATABASE_URL names: run it under scripts/pgtemp.py for
PostgreSQL):

1. the generator (``registry.volume.generate``, what ``halluxpath
   load_volume_demo`` runs) writes N synthetic operated episodes with their
   questionnaires and complications; printed: episodes a second, and the
   ratio to a baseline written in the same run (N one-column rows into a
   scratch table through the same driver path: the floor any bulk writer
   stands on), the time without the final ``rebuild_tallies()`` (timed on
   its own), CPU seconds with the worker processes', and peak memory;
2. each dashboard page (surgeon, site, registry), fetched through Django's
   test client as a user who may see it, is timed (median of 3, after one
   warm-up) against one indexed COUNT over the episodes table in the same
   run (``Episode.objects.filter(status=...).count()``, median of 3).
   Target (issue 13): every dashboard under one second at 1,000,000 episodes.

    python benchmarks/bench_volume.py [N]             # SQLite, N defaults to 1,000,000
    python scripts/pgtemp.py -- python benchmarks/bench_volume.py [N]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

N = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000


def setup(data_dir: str) -> None:
    os.environ.setdefault("HALLUXPATH_DATA_DIR", data_dir)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{Path(data_dir) / 'volume.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "halluxpath.site.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # Pages render without collectstatic's manifest (as in the tests).
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

    call_command("migrate", verbosity=0)


def median_seconds(work: Callable[[], object], repeat: int = 3) -> float:
    work()  # warm-up: caches, prepared statements
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def baseline_insert(rows: int) -> float:
    """Seconds to write ``rows`` one-column rows through the generator's own driver path."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_floor (value integer NOT NULL)")
        started = time.perf_counter()
        if connection.vendor == "postgresql":
            with cursor.cursor.copy("COPY bench_floor (value) FROM STDIN") as copy:
                for value in range(rows):
                    copy.write_row((value,))
        else:
            connection.connection.executemany(
                "INSERT INTO bench_floor (value) VALUES (?)", ((v,) for v in range(rows))
            )
        seconds = time.perf_counter() - started
        cursor.execute("DROP TABLE bench_floor")
    return seconds


def cpu_seconds() -> float:
    """CPU seconds of this process and of its finished children (the generator's workers)."""
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def peak_mib(who: str) -> float:
    """Peak resident memory (MiB) of this process, or of its largest finished child."""
    import resource

    found = resource.getrusage(resource.RUSAGE_SELF if who == "self" else resource.RUSAGE_CHILDREN)
    return found.ru_maxrss / 1024


def timed_tallies() -> list[float]:
    """Time the generator's final ``rebuild_tallies()`` (another part's work) on its own."""
    from halluxpath.registry import volume

    seconds = [0.0]
    namespace = vars(volume)  # the name generate() calls
    rebuild = namespace["rebuild_tallies"]

    def timed(surgeon_ids: Iterable[int] | None = None) -> None:
        started = time.perf_counter()
        rebuild(surgeon_ids)
        seconds[0] += time.perf_counter() - started

    namespace["rebuild_tallies"] = timed
    return seconds


def dashboard_users() -> dict[str, object]:
    """One user per dashboard who may open it (a volume surgeon, an admin, a researcher)."""
    from halluxpath.accounts.models import Role, User
    from halluxpath.sites.models import Site

    site = Site.objects.get(slug="volume-1")
    surgeon = User.objects.filter(site=site, role=Role.SURGEON).order_by("pk").first()
    admin = User.objects.create(username="volume-bench-admin", role=Role.ADMIN, site=site)
    researcher = User.objects.create(
        username="volume-bench-researcher", role=Role.RESEARCHER, site=site
    )
    return {"surgeon": surgeon, "site": admin, "registry": researcher}


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="halluxpath-volume-") as data_dir:
        setup(data_dir)
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        from halluxpath.patients.models import Episode
        from halluxpath.registry.volume import generate

        print(f"database: {connection.vendor}; episodes: {N:,}")
        tallies = timed_tallies()
        cpu = cpu_seconds()
        result = generate(N, progress=lambda done, total: print(f"  {done:,}/{total:,}", end="\r"))
        cpu = cpu_seconds() - cpu
        print()
        rows = result.episodes * 2 + result.responses + result.scores + result.complications
        rows += result.episodes  # the case summaries
        floor = baseline_insert(rows)
        print(
            f"generator: {result.episodes:,} episodes ({rows:,} rows: "
            f"{result.responses:,} responses, {result.scores:,} scores, "
            f"{result.complications:,} complications) in {result.seconds:.1f} s = "
            f"{result.episodes_per_second:,.0f} episodes/s (target 20,000)"
        )
        without = result.seconds - tallies[0]
        print(
            f"  without the final rebuild_tallies() ({tallies[0]:.1f} s): {without:.1f} s = "
            f"{result.episodes / without:,.0f} episodes/s; CPU {cpu:.1f} s (worker processes "
            f"included); peak memory {peak_mib('self'):,.0f} MiB here, "
            f"{peak_mib('children'):,.0f} MiB the largest worker"
        )
        print(
            f"baseline: the same {rows:,} rows as one bare column in {floor:.1f} s; "
            f"generator / baseline time = {result.seconds / floor:.1f}"
        )
        count = median_seconds(lambda: Episode.objects.filter(status="follow_up").count())
        print(f"indexed COUNT over {Episode.objects.count():,} episodes: {count * 1000:.1f} ms")
        for board, user in dashboard_users().items():
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(user)  # type: ignore[arg-type]
            url = reverse(f"registry:{board}")

            def fetch(client: Client = client, url: str = url) -> None:
                response = client.get(url)
                if response.status_code != 200:
                    raise SystemExit(f"{url}: HTTP {response.status_code}")

            seconds = median_seconds(fetch)
            print(
                f"dashboard {board:9} {seconds * 1000:8.0f} ms = {seconds / count:8.0f} × the "
                f"COUNT ({'within' if seconds < 1 else 'OVER'} one second)"
            )


if __name__ == "__main__":
    main()
