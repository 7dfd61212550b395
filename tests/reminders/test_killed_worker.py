"""A worker process killed mid-batch: the others finish its work, nobody gets a repeat.

Real processes and a real database: the workers are ``halluxpath send_reminders``
subprocesses, the "mail server" is tests.reminders.sink (one line per message
handed over), and the kill is SIGKILL, so no clean-up code runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from halluxpath.reminders.channels import message_id
from halluxpath.reminders.models import OutboxMessage, Status
from tests.conftest import Clinic
from tests.reminders.conftest import make_messages

ROOT = Path(__file__).resolve().parents[2]
COUNT = 240
LEASE_SECONDS = 3


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    return (
        f"postgres://{quote(db['USER'], safe='')}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    )


def worker(sink: Path, name: str, **extra: str) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "HALLUXPATH_EMAIL_BACKEND": "tests.reminders.sink.FileSinkBackend",
        "HALLUXPATH_TEST_SINK": str(sink),
        "PYTHONPATH": str(ROOT),
        **extra,
    }
    command = [
        sys.executable,
        "-c",
        "import sys; from halluxpath.cli import main; sys.exit(main())",
        "send_reminders",
        "--once",
        "--no-schedule",
        f"--worker={name}",
        "--batch-size=20",
        f"--lease-seconds={LEASE_SECONDS}",
    ]
    return subprocess.Popen(  # noqa: S603 (our own command line, fixed arguments)
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def run_until_killed_then_recover(clinic: Clinic, sink: Path, when: str) -> Counter[str]:
    make_messages(clinic.patient_a.episodes.get(), COUNT)
    doomed = worker(sink, "doomed", HALLUXPATH_TEST_KILL_AT="30", HALLUXPATH_TEST_KILL_WHEN=when)
    _, stderr = doomed.communicate(timeout=120)
    assert doomed.returncode == -9, stderr.decode()
    stranded = OutboxMessage.objects.filter(lease_owner="doomed", status=Status.PENDING)
    assert stranded.exists()  # it died holding a claimed batch
    time.sleep(LEASE_SECONDS + 0.5)  # its lease runs out
    helpers = [worker(sink, f"helper-{i}") for i in (1, 2)]  # two at once
    for helper in helpers:
        _, stderr = helper.communicate(timeout=120)
        assert helper.returncode == 0, stderr.decode()
    assert OutboxMessage.objects.filter(status=Status.SENT).count() == COUNT
    lines = sink.read_text(encoding="utf-8").splitlines()
    return Counter(line.split()[0] for line in lines)


@pytest.mark.django_db(transaction=True)
def test_killed_before_handing_over_a_message(clinic: Clinic, tmp_path: Path) -> None:
    handed = run_until_killed_then_recover(clinic, tmp_path / "sink.txt", "before")
    assert set(handed) == {message_id(f"test:{i}") for i in range(COUNT)}
    assert max(handed.values()) == 1  # exactly once


@pytest.mark.django_db(transaction=True)
def test_killed_after_the_server_took_a_message_but_before_it_was_marked(
    clinic: Clinic, tmp_path: Path
) -> None:
    handed = run_until_killed_then_recover(clinic, tmp_path / "sink.txt", "after")
    assert set(handed) == {message_id(f"test:{i}") for i in range(COUNT)}
    repeated = [key for key, n in handed.items() if n > 1]
    # The one message in flight at the kill is handed over again, with the same
    # Message-ID (the gateway's idempotency key); no other message is repeated.
    assert repeated == [message_id("test:29")]
    assert handed[repeated[0]] == 2
