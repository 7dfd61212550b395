"""The sealer binds every event into exactly one seal, however many sealers run."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, connections, transaction

from halluxpath.audit import record
from halluxpath.audit.chain import verify
from halluxpath.audit.context import Actor
from halluxpath.audit.models import AuditEvent, AuditSeal
from halluxpath.audit.sealer import SealingResult, seal_pending
from tests.audit.conftest import views_of_patient_a
from tests.conftest import Clinic
from tests.reminders.test_killed_worker import database_url

ROOT = Path(__file__).resolve().parents[2]


def sealed_ids() -> list[int]:
    """Every id named by a seal, as often as seals name it."""
    return sorted(
        event_id
        for ranges in AuditSeal.objects.values_list("event_ranges", flat=True)
        for first, last in ranges
        for event_id in range(first, last + 1)
    )


def all_ids() -> list[int]:
    return list(AuditEvent.objects.order_by("id").values_list("id", flat=True))


def test_sealing_again_seals_nothing_and_no_event_is_sealed_twice(clinic: Clinic) -> None:
    views_of_patient_a(clinic, 12)
    assert seal_pending(batch_size=5) == SealingResult(seals=3, events=12)
    assert seal_pending(batch_size=5) == SealingResult()
    assert list(AuditSeal.objects.values_list("event_count", flat=True)) == [5, 5, 2]
    views_of_patient_a(clinic, 2)
    assert seal_pending(batch_size=5) == SealingResult(seals=1, events=2)
    assert sealed_ids() == all_ids()
    report = verify()
    assert (report.ok, report.sealed, report.seals, report.unsealed) == (True, 14, 4, 0)


def test_the_seal_command_says_what_it_sealed(clinic: Clinic) -> None:
    views_of_patient_a(clinic, 3)
    out = io.StringIO()
    call_command("audit", "seal", stdout=out)
    call_command("audit", "seal", stdout=out)
    assert out.getvalue().splitlines() == [
        "sealed 3 events in 1 seal",
        "sealed 0 events in 0 seals",
    ]


def change_that_fails(clinic: Clinic) -> None:
    with transaction.atomic():
        record(Actor(None), "change", object_type="patient", object_id=clinic.patient_a.pk)
        raise RuntimeError("the change failed")


def test_a_rolled_back_action_leaves_no_event_to_seal(clinic: Clinic) -> None:
    with pytest.raises(RuntimeError):
        change_that_fails(clinic)
    assert not AuditEvent.objects.exists()
    assert seal_pending() == SealingResult()


@pytest.mark.django_db(transaction=True)
def test_two_sealers_racing_seal_each_event_once(clinic: Clinic) -> None:
    views_of_patient_a(clinic, 60)
    start = threading.Barrier(2)

    def sealer(_: int) -> SealingResult:
        try:
            start.wait()
            return seal_pending(batch_size=7)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(sealer, [1, 2]))
    assert sum(r.events for r in results) == 60
    assert sealed_ids() == all_ids()
    assert verify().ok


@pytest.mark.django_db(transaction=True)
def test_events_appended_while_a_sealer_runs_are_all_sealed_once(clinic: Clinic) -> None:
    writing = threading.Event()
    writing.set()

    def write(worker: int) -> None:
        try:
            for n in range(40):
                record(Actor(None), "view", object_type="test", detail={"w": worker, "n": n})
        finally:
            connections.close_all()

    def seal_while_writing() -> None:
        try:
            while writing.is_set():
                seal_pending(batch_size=9)
                time.sleep(0.02)  # a pass, then a pause, as `audit seal --loop` does
        finally:
            connections.close_all()

    sealer = threading.Thread(target=seal_while_writing)
    sealer.start()
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(write, [1, 2]))
    writing.clear()
    sealer.join(timeout=60)
    seal_pending()
    assert len(all_ids()) == 80
    assert sealed_ids() == all_ids()
    report = verify()
    assert (report.ok, report.sealed, report.unsealed) == (True, 80, 0)


@pytest.mark.django_db(transaction=True)
def test_an_event_committed_after_a_later_one_was_sealed_is_sealed_next(clinic: Clinic) -> None:
    """PostgreSQL hands out ids at INSERT; the transaction that took id N may commit last."""
    if connection.vendor == "sqlite":
        pytest.skip("SQLite writers take turns from BEGIN: ids are handed out in commit order")
    recorded, release = threading.Event(), threading.Event()

    def slow_transaction() -> None:
        try:
            with transaction.atomic():
                record(Actor(None), "change", object_type="slow")
                recorded.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    slow = threading.Thread(target=slow_transaction)
    slow.start()
    assert recorded.wait(timeout=30)
    record(Actor(None), "change", object_type="quick")  # a higher id, committed first
    assert seal_pending() == SealingResult(seals=1, events=1)
    release.set()
    slow.join(timeout=30)
    report = verify()
    assert (report.ok, report.sealed, report.unsealed) == (True, 1, 1)
    assert seal_pending() == SealingResult(seals=1, events=1)
    assert sealed_ids() == all_ids()
    assert verify().ok


@pytest.mark.django_db(transaction=True)
def test_the_enqueued_sealing_task_is_run_by_the_database_worker(clinic: Clinic) -> None:
    views_of_patient_a(clinic, 4)
    call_command("audit", "seal", "--enqueue", stdout=io.StringIO())
    call_command("audit", "seal", "--enqueue", stdout=io.StringIO())  # cron ran twice
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert sealed_ids() == all_ids()
    assert AuditSeal.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_sealer_keeps_sealing_and_stops_cleanly_on_sigterm(clinic: Clinic) -> None:
    # This checkout's code, also when the virtualenv's editable install points elsewhere.
    path = os.pathsep.join([str(ROOT / "src"), str(ROOT)])
    env = {**os.environ, "DATABASE_URL": database_url(), "PYTHONPATH": path}
    command = [
        sys.executable,
        "-c",
        "import sys; from halluxpath.cli import main; sys.exit(main())",
        "audit",
        "seal",
        "--loop",
        "--interval-seconds=0.2",
    ]
    sealer = subprocess.Popen(  # noqa: S603 (our own command line, fixed arguments)
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        for batch in range(2):
            views_of_patient_a(clinic, 3)
            deadline = time.monotonic() + 60
            while sealed_ids() != all_ids() and sealer.poll() is None:
                assert time.monotonic() < deadline, f"batch {batch} was not sealed"
                time.sleep(0.1)
            assert sealer.poll() is None, sealer.communicate()[1].decode()
        sealer.send_signal(signal.SIGTERM)
        out, err = sealer.communicate(timeout=60)
    finally:
        sealer.kill()
    assert sealer.returncode == 0, err.decode()
    # Each pass that sealed prints a line; a pass may run on into the second batch.
    passes = re.findall(r"sealed (\d+) events? in (\d+) seals?", out.decode())
    assert passes, out.decode()
    assert sum(int(events) for events, _ in passes) == 6
    assert verify().ok
