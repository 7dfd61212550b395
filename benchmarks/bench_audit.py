"""What the audit log costs a page, and whether appends ever wait for each other.

1. Page views: the staff patient page (``patients:detail``, through the access
   helper) fetched with Django's test client, signed in as the patient's
   surgeon. Measured: audited as in production (one view event per page).
   Baseline: the same page with the page's view event discarded instead of
   written. Rounds of each alternate, so a busy machine slows both alike.
   Prints pages per second for both and the ratio (target: at least 0.8).
2. Appends: ``audit.record`` (one INSERT carrying its digest) against plain
   inserts of the same rows without a digest, and against appends that first
   lock one shared row (as the chained log did), in one process, then in two
   processes at once. An append takes no lock shared between requests, so
   two processes gain what two processes of plain inserts gain; appends
   behind the shared lock queue on it (on SQLite, whose writers take turns
   for every INSERT anyway, all three queue alike).
3. The sealer and the check: events sealed per second, and events checked per
   second by ``audit verify``.

Uses a throwaway SQLite file, or DATABASE_URL (scripts/pgtemp.py makes one).

    python benchmarks/bench_audit.py [PAGES] [APPENDS]
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import tempfile
import time
from collections.abc import Callable
from typing import Any
from unittest import mock

PAGES = int(sys.argv[1]) if len(sys.argv) > 1 else 1500
APPENDS = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
ROUNDS = 10


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

    if connection.vendor == "postgresql":  # scripts/pgtemp.py makes the cluster, not the database
        try:
            connection.ensure_connection()
        except OperationalError:
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{connection.settings_dict["NAME"]}"')
    call_command("migrate", verbosity=0)


def demo_like_patient() -> tuple[Any, str]:
    """A surgeon and one of their patients with two feet on the pathway; the page's URL."""
    import datetime as dt

    from django.urls import reverse

    from halluxpath.accounts.models import CareTeam, Role, User
    from halluxpath.patients.models import Episode, Patient

    team = CareTeam.objects.create(name="Forefoot team")
    surgeon = User.objects.create(username="bench-surgeon", role=Role.SURGEON)
    team.members.add(surgeon)
    patient = Patient.objects.create(
        hospital_number="DEMO-BENCH-1",
        given_name="Ada",
        family_name="Bench",
        date_of_birth=dt.date(1960, 5, 17),
        sex="female",
        email="ada@example.org",
    )
    for side, status in (("left", "planned"), ("right", "referred")):
        Episode.objects.create(
            patient=patient,
            side=side,
            diagnosis="Hallux valgus",
            responsible_surgeon=surgeon,
            care_team=team,
            status=status,
            referred_on=dt.date(2026, 1, 10),
        )
    return surgeon, reverse("patients:detail", args=[patient.pk])


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def page_views() -> tuple[float, float]:
    """Audited and unaudited pages per second, measured in alternating rounds."""
    from django.test import Client, override_settings

    from halluxpath.audit.models import AuditEvent
    from halluxpath.audit.pageviews import PageView

    surgeon, url = demo_like_patient()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(surgeon)

    def fetch(count: int) -> Callable[[], None]:
        def run() -> None:
            for _ in range(count):
                response = client.get(url)
                assert response.status_code == 200

        return run

    unaudited = mock.patch.object(PageView, "write", return_value=None)
    per_round = max(PAGES // ROUNDS, 1)
    audited_s = unaudited_s = 0.0
    plain_storage = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(STORAGES={"default": plain_storage, "staticfiles": plain_storage}):
        fetch(20)()  # warm up: templates, connections, caches
        before = AuditEvent.objects.filter(action="view").count()
        for _ in range(ROUNDS):
            audited_s += timed(fetch(per_round))
            with unaudited:
                unaudited_s += timed(fetch(per_round))
    written = AuditEvent.objects.filter(action="view").count() - before
    assert written == per_round * ROUNDS, f"{written} view events for {per_round * ROUNDS} pages"
    pages = per_round * ROUNDS
    return pages / audited_s, pages / unaudited_s


def appends(workers: int) -> tuple[float, float, float]:
    """Plain inserts, audit appends, and appends behind one shared lock, per second.

    The third is the design this log replaced, reduced to its lock: every
    append first locks one row (here the sealer's, which no sealer holds while
    this runs), so concurrent appends queue on it.
    """
    from django.db import connections, transaction
    from django.utils import timezone

    from halluxpath.audit import record
    from halluxpath.audit.context import Actor
    from halluxpath.audit.models import AuditEvent, SealHead

    actor = Actor(None, "127.0.0.1")
    each = max(APPENDS // workers // ROUNDS, 1)  # per process and round
    forked = multiprocessing.get_context("fork")

    def plain(worker: int) -> None:
        for n in range(each):
            AuditEvent(
                occurred_at=timezone.now(),
                actor_role="system",
                action="view",
                object_type="patient",
                object_id=str(n),
                patient_id=n,
                client_address="127.0.0.1",
                detail={"n": n, "w": worker},
                digest="0" * 64,
            ).save()

    def audited(worker: int) -> None:
        for n in range(each):
            record(
                actor,
                "view",
                object_type="patient",
                object_id=n,
                patient_id=n,
                detail={"n": n, "w": worker},
            )

    def behind_one_lock(worker: int) -> None:
        for n in range(each):
            with transaction.atomic():
                SealHead.objects.select_for_update().get(pk=1)
                record(actor, "view", object_type="patient", object_id=n, detail={"w": worker})

    def together(work: Callable[[int], None]) -> Callable[[], None]:
        """``work`` in ``workers`` processes at once, as gunicorn's workers would run it."""

        def body(worker: int) -> None:
            try:
                work(worker)
            finally:
                connections.close_all()

        def run() -> None:
            connections.close_all()  # each process opens its own connection
            started = [forked.Process(target=body, args=(w,)) for w in range(workers)]
            for process in started:
                process.start()
            for process in started:
                process.join()
                assert process.exitcode == 0, f"worker failed with {process.exitcode}"

        return run

    plain_s = audited_s = locked_s = 0.0
    for _ in range(ROUNDS):  # alternating, so a busy machine slows all alike
        plain_s += timed(together(plain))
        audited_s += timed(together(audited))
        locked_s += timed(together(behind_one_lock))
    rows = each * workers * ROUNDS
    return rows / plain_s, rows / audited_s, rows / locked_s


def main() -> None:
    setup_django()
    from django.db import connection

    from halluxpath.audit.chain import verify
    from halluxpath.audit.models import AuditEvent
    from halluxpath.audit.sealer import seal_pending

    print(f"database: {connection.vendor}")
    audited, unaudited = page_views()
    print(f"patient page, view not audited: {unaudited:7.0f} pages/s")
    print(f"patient page, audited:          {audited:7.0f} pages/s")
    print(f"ratio audited/unaudited:        {audited / unaudited:7.2f} (target >= 0.8, N={PAGES})")

    rates = {}
    for workers in (1, 2):
        rates[workers] = plain, audited, locked = appends(workers)
        print(
            f"{workers} process(es): plain inserts {plain:6.0f}/s, audit appends {audited:6.0f}/s "
            f"(ratio {audited / plain:.2f}); behind one shared lock {locked:6.0f}/s "
            f"(ratio {locked / plain:.2f})"
        )
    gain = [two / one for one, two in zip(rates[1], rates[2], strict=True)]
    print(
        f"2 processes / 1: plain inserts {gain[0]:.2f}x, audit appends {gain[1]:.2f}x, "
        f"behind one shared lock {gain[2]:.2f}x"
    )

    with connection.cursor() as cursor:  # the baseline's rows carry no digest: not a log
        cursor.execute("DELETE FROM audit_auditevent WHERE digest = %s", ["0" * 64])
    events = AuditEvent.objects.count()
    sealing_s = timed(seal_pending)
    start = time.perf_counter()
    report = verify()
    checking_s = time.perf_counter() - start
    if not report.ok or report.sealed != events:
        sys.exit(f"audit verify failed: {report.problem}")
    print(
        f"sealer: {events / sealing_s:7.0f} events/s; verify: {events / checking_s:7.0f} "
        f"events/s ({events} events)"
    )


if __name__ == "__main__":
    main()
