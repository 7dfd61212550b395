"""How long each dashboard page takes at registry size, as a ratio to one indexed COUNT.

Issue 13's target: every dashboard page answers in under a second at 1,000,000
episodes on this machine. This script makes a synthetic registry with
``registry.volume`` (what ``halluxpath load_volume_demo`` runs: patients,
episodes, their ``CaseSummary`` rows, questionnaires with falling completion,
complications near the published rates), then fetches each dashboard page
with Django's test client, signed
in as the surgeon, the site's administrator, the site's researcher and for
the registry, and each chart of the registry page.

Baseline: one indexed COUNT over the episodes table (``status = 'operated'``)
in the same run. Prints, per page, the median seconds of a few fetches and
the ratio to the baseline; the absolute seconds are the figure the target
speaks of.

Uses a throwaway SQLite file, or DATABASE_URL (scripts/pgtemp.py makes one). With
HALLUXPATH_DATA_DIR naming a directory where a run has already generated the
registry, that registry is measured again without generating it.

    python benchmarks/bench_dashboards.py [EPISODES]   (default 100000)
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from typing import Any

EPISODES = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
SITES = 3
SURGEONS_PER_SITE = 10
BATCH = 5_000
FETCHES = 3


def setup_django() -> None:
    data_dir = os.environ.setdefault(
        "HALLUXPATH_DATA_DIR", tempfile.mkdtemp(prefix="halluxpath-bench-")
    )
    os.makedirs(os.path.join(data_dir, "static"), exist_ok=True)  # whitenoise looks there
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "halluxpath.site.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import OperationalError, connection

    if connection.vendor == "postgresql":
        try:
            connection.ensure_connection()
        except OperationalError:
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{connection.settings_dict["NAME"]}"')
    call_command("migrate", verbosity=0)


CPU: list[float] = []  # the CPU seconds of the last timed() call's median fetch


def timed(work: Callable[[], Any], rounds: int = FETCHES) -> float:
    """Median wall seconds of ``rounds`` calls; their median CPU seconds (this process: the
    database is in-process on SQLite, a server's CPU is not counted) in CPU[0]."""
    seconds, cpu = [], []
    for _ in range(rounds):
        started, used = time.perf_counter(), time.process_time()
        work()
        seconds.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    CPU[:] = [statistics.median(cpu)]
    return statistics.median(seconds)


def generate(n: int) -> dict[str, Any]:
    """The synthetic registry (``registry.volume``, as ``halluxpath load_volume_demo``)
    and one user per viewpoint: a volume surgeon, the first volume site's
    administrator and researcher."""
    from halluxpath.accounts.models import Role, User
    from halluxpath.registry.volume import generate as generate_volume
    from halluxpath.sites.models import Site

    generate_volume(n, sites=SITES, surgeons_per_site=SURGEONS_PER_SITE)
    site = Site.objects.filter(slug__startswith="volume-").order_by("pk")[0]
    return {
        "surgeon": User.objects.filter(site=site, role=Role.SURGEON).order_by("pk")[0],
        "admin": User.objects.create(username="bench-admin", role=Role.ADMIN, site=site),
        "researcher": User.objects.create(
            username="bench-research", role=Role.RESEARCHER, site=site
        ),
    }


def filtered_pages(users: dict[str, Any]) -> list[tuple[str, str, Any, str]]:
    """Pages filtered by each kind of filter: technique, fixation, severity, the last twelve
    months, a site (registry) or a surgeon (site), each on its own."""
    from halluxpath.registry.access import Dashboard, pseudonym
    from halluxpath.registry.models import CaseSummary

    last = CaseSummary.objects.order_by("-operated_month").values_list("operated_month", flat=True)[
        0
    ]
    year = f"month_from={last.replace(year=last.year - 1):%Y-%m}&month_to={last:%Y-%m}"
    site = users["admin"].site_id
    found = []
    for who, label, board in (
        ("surgeon", "surgeon", Dashboard.SURGEON),
        ("admin", "site", Dashboard.SITE),
        ("researcher", "registry", Dashboard.REGISTRY),
    ):
        for query in ("technique=mis_distal", "fixation=screw", "severity=moderate", year):
            found.append((who, label, board, query))
    found.append(("researcher", "registry", Dashboard.REGISTRY, f"site={pseudonym('site', site)}"))
    found.append(("admin", "site", Dashboard.SITE, f"surgeon={users['surgeon'].pk}"))
    return found


def main() -> None:
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from halluxpath.patients.models import Episode
    from halluxpath.registry.access import Dashboard
    from halluxpath.registry.dashboards import slugs

    setup_test_environment()
    from django.conf import settings

    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    settings.STORAGES = {**settings.STORAGES, "staticfiles": plain}
    from halluxpath.accounts.models import User
    from halluxpath.registry.models import CaseSummary

    if CaseSummary.objects.exists():  # HALLUXPATH_DATA_DIR named a registry made before
        users = {
            "surgeon": User.objects.filter(username__startswith="volume-", role="surgeon").order_by(
                "pk"
            )[0],
            "admin": User.objects.get(username="bench-admin"),
            "researcher": User.objects.get(username="bench-research"),
        }
        print(f"{CaseSummary.objects.count()} episodes already there, {connection.vendor}")
    else:
        started = time.perf_counter()
        users = generate(EPISODES)
        made = time.perf_counter() - started
        print(
            f"{EPISODES} episodes generated in {made:.1f} s ({EPISODES / made:.0f} per second), "
            f"{connection.vendor}"
        )
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    baseline = timed(lambda: Episode.objects.filter(status="operated").count(), 5)
    print(f"baseline: one indexed COUNT over the episodes table {baseline * 1000:.1f} ms")
    pages = [
        ("surgeon", "surgeon", Dashboard.SURGEON),
        ("admin", "site", Dashboard.SITE),
        ("researcher", "site (researcher)", Dashboard.SITE),
        ("researcher", "registry", Dashboard.REGISTRY),
    ]
    worst = 0.0
    for who, label, board in pages:
        client = Client()
        client.force_login(users[who])
        url = f"/dashboards/{board.value}/"
        client.get(url)  # warm: templates, matplotlib not involved (charts are separate)
        seconds = timed(partial(client.get, url))
        worst = max(worst, seconds)
        print(
            f"{label:20} page   {seconds:7.3f} s  cpu {CPU[0]:6.3f} s   "
            f"ratio {seconds / baseline:8.1f}"
        )
    for who, label, board, query in filtered_pages(users):
        client = Client()
        client.force_login(users[who])
        url = f"/dashboards/{board.value}/?{query}"
        seconds = timed(partial(client.get, url))
        worst = max(worst, seconds)
        print(f"{label:20} {query:42} {seconds:7.3f} s  cpu {CPU[0]:6.3f} s")
    from halluxpath.audit.context import Actor
    from halluxpath.registry.access import scope_for
    from halluxpath.registry.dashboards import section
    from halluxpath.registry.sections import Filters

    for who, board in (("researcher", Dashboard.REGISTRY), ("surgeon", Dashboard.SURGEON)):
        scope = scope_for(Actor(users[who]), board)
        for slug in slugs(scope, Filters(), users[who].pk):
            seconds = timed(partial(section, scope, Filters(), users[who].pk, slug), 1)
            print(f"{board.value} section {slug:20} {seconds:7.3f} s  cpu {CPU[0]:6.3f} s")
    client = Client()
    client.force_login(users["researcher"])
    page = client.get("/dashboards/registry/").content.decode()
    # Warm: the first chart of a process imports matplotlib (about half a second), once.
    client.get("/dashboards/registry/volume.svg")

    for slug in re.findall(r"/dashboards/registry/([a-z0-9-]+)\.svg", page):
        seconds = timed(partial(client.get, f"/dashboards/registry/{slug}.svg"), 1)
        print(f"registry chart {slug:20} {seconds:7.3f} s   ratio {seconds / baseline:8.1f}")
    print(f"slowest page {worst:.3f} s (target: under 1 s at 1,000,000 episodes)")


if __name__ == "__main__":
    main()
