"""``halluxpath run_workers``: a worker that dies is started again, with backoff, and logged.

Issue 12 item 11: the reminder worker died, was not restarted and nobody was
told. Real child processes (small Python one-liners stand in for the workers).
"""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

import pytest

from halluxpath.reminders.supervisor import Child, ChildReport, default_children, supervise


def _run_for(seconds: float, children: list[Child], **options: float) -> list[ChildReport]:
    stop = threading.Event()
    reports: list[ChildReport] = []
    thread = threading.Thread(target=lambda: reports.extend(supervise(children, stop, **options)))
    thread.start()
    time.sleep(seconds)
    stop.set()
    thread.join(timeout=30)
    assert not thread.is_alive()
    return reports


def test_a_worker_that_dies_is_started_again_and_its_exit_is_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    dying = Child(
        "dying", (sys.executable, "-c", "print('working'); raise SystemExit(3)"), tmp_path / "d.log"
    )
    steady = Child(
        "steady", (sys.executable, "-c", "import time; time.sleep(60)"), tmp_path / "s.log"
    )
    caplog.set_level("INFO")
    dying_report, steady_report = _run_for(
        2.5, [dying, steady], poll_seconds=0.05, longest_backoff=0.5, grace=5
    )
    assert dying_report.starts >= 3
    assert set(dying_report.exits) == {3}
    assert steady_report.starts == 1
    assert "dying stopped (exit code 3)" in caplog.text
    assert "starting it again" in caplog.text
    runs_logged = (tmp_path / "d.log").read_text().count("working")  # each run, in its log
    assert len(dying_report.exits) <= runs_logged <= dying_report.starts  # the last may be stopped


def test_the_pause_grows_when_a_worker_keeps_dying(tmp_path: Path) -> None:
    dying = Child("dying", (sys.executable, "-c", "raise SystemExit(1)"))
    quick = _run_for(2.0, [dying], poll_seconds=0.02, longest_backoff=0.05)
    slow = _run_for(2.0, [dying], poll_seconds=0.02, longest_backoff=60)
    # 1 s, then 2 s: at most two starts in two seconds, many with a short cap.
    assert slow[0].starts <= 2
    assert quick[0].starts > slow[0].starts


def test_stopping_stops_every_worker(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    sleeper = Child(
        "sleeper",
        (
            sys.executable,
            "-c",
            f"import os, time; open({str(pid_file)!r}, 'w').write(str(os.getpid())); "
            "time.sleep(60)",
        ),
    )
    _run_for(1.0, [sleeper], poll_seconds=0.05, grace=5)
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_make_run_supervises_the_reminders_the_escalation_the_sealer_and_the_tasks(
    tmp_path: Path,
) -> None:
    children = {c.name: c for c in default_children(tmp_path)}
    assert set(children) == {"reminders", "escalation", "audit-sealer", "tasks"}
    assert children["tasks"].argv[-1] == "db_worker"
    assert children["escalation"].argv[-2:] == ("escalate_alerts", "--loop")
    assert children["reminders"].log_file == tmp_path / "reminders.log"
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    serve = makefile.split("\nserve:\n", 1)[1].split("\n\n", 1)[0]
    assert "halluxpath run_workers --log-dir var" in serve
