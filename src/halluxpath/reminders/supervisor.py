"""Keep the background workers running: start each, restart one that dies, with backoff.

``halluxpath run_workers`` (what ``make run`` starts beside the web server)
runs the reminder worker, the alert escalation and the audit sealer as child
processes. A child that exits for any reason (an uncaught error, a kill) is
logged with its exit code and started again after a pause that doubles on
each quick death (1 s, 2 s, 4 s … at most ``LONGEST_BACKOFF``) and starts
over once the child has run for ``HEALTHY_AFTER``, so a worker that keeps
failing neither spins nor is given up on. Each child writes to its own log
file; the supervisor's own lines go to its standard error (the logging
configuration).

Issue 12 item 11: the reminder worker once died on one bad plan, was not
restarted, and nobody was told.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

log = logging.getLogger(__name__)

FIRST_BACKOFF = 1.0  # seconds
LONGEST_BACKOFF = 60.0
HEALTHY_AFTER = 60.0  # a child that ran this long starts its backoff over
STOP_GRACE = 10.0  # seconds a child has to finish after SIGTERM before it is killed

HALLUXPATH = (sys.executable, "-c", "import sys; from halluxpath.cli import main; sys.exit(main())")


@dataclass(frozen=True)
class Child:
    name: str
    argv: tuple[str, ...]
    log_file: Path | None = None  # None: inherit the supervisor's output


def default_children(log_dir: Path | None) -> list[Child]:
    """The workers a site runs beside the web server (docs/operations.md)."""

    def at(name: str) -> Path | None:
        return log_dir / name if log_dir else None

    return [
        Child("reminders", (*HALLUXPATH, "send_reminders"), at("reminders.log")),
        Child(
            "escalation",
            (*HALLUXPATH, "escalate_alerts", "--loop"),
            at("escalation.log"),
        ),
        Child("audit-sealer", (*HALLUXPATH, "audit", "seal", "--loop"), at("audit-sealer.log")),
        # django-tasks' worker: research exports, the demo's films drawn in the background.
        Child("tasks", (*HALLUXPATH, "db_worker"), at("tasks.log")),
    ]


@dataclass
class _Running:
    child: Child
    process: subprocess.Popen[bytes] | None = None
    output: IO[bytes] | None = None
    started_at: float = 0.0
    start_after: float = 0.0
    backoff: float = FIRST_BACKOFF
    starts: int = 0
    exits: list[int] = field(default_factory=list)


def _start(run: _Running) -> None:
    child = run.child
    if child.log_file is not None:
        child.log_file.parent.mkdir(parents=True, exist_ok=True)
        run.output = child.log_file.open("ab")
    run.process = subprocess.Popen(  # noqa: S603 (the site's own commands, fixed arguments)
        child.argv, stdout=run.output, stderr=subprocess.STDOUT if run.output else None
    )
    run.started_at = time.monotonic()
    run.starts += 1
    log.info("started %s (process %s)", child.name, run.process.pid)


def _reap(run: _Running, now: float, longest_backoff: float, healthy_after: float) -> None:
    """Note a child that exited and when it starts again."""
    process = run.process
    if process is None or process.poll() is None:
        return
    code = process.returncode
    run.exits.append(code)
    run.process = None
    if run.output is not None:
        run.output.close()
        run.output = None
    if now - run.started_at >= healthy_after:
        run.backoff = FIRST_BACKOFF
    log.error(
        "%s stopped (exit code %s) after %.0f s; starting it again in %.0f s",
        run.child.name,
        code,
        now - run.started_at,
        run.backoff,
    )
    run.start_after = now + run.backoff
    run.backoff = min(run.backoff * 2, longest_backoff)


def _stop(runs: Sequence[_Running], grace: float) -> None:
    for run in runs:
        if run.process is not None and run.process.poll() is None:
            run.process.terminate()
    deadline = time.monotonic() + grace
    for run in runs:
        if run.process is None:
            continue
        try:
            run.process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            log.warning("%s did not stop in %.0f s: killed", run.child.name, grace)
            run.process.kill()
            run.process.wait()
        if run.output is not None:
            run.output.close()
        log.info("stopped %s", run.child.name)


@dataclass(frozen=True)
class ChildReport:
    name: str
    starts: int
    exits: tuple[int, ...]


def supervise(
    children: Sequence[Child],
    stop: threading.Event,
    *,
    poll_seconds: float = 0.5,
    longest_backoff: float = LONGEST_BACKOFF,
    healthy_after: float = HEALTHY_AFTER,
    grace: float = STOP_GRACE,
) -> list[ChildReport]:
    """Run ``children`` until ``stop`` is set, restarting each that exits; then stop them all."""
    runs = [_Running(child) for child in children]
    try:
        while not stop.is_set():
            now = time.monotonic()
            for run in runs:
                _reap(run, now, longest_backoff, healthy_after)
                if run.process is None and now >= run.start_after:
                    try:
                        _start(run)
                    except OSError as error:  # e.g. the log file cannot be opened
                        log.error("could not start %s: %s", run.child.name, error)
                        run.start_after = now + run.backoff
                        run.backoff = min(run.backoff * 2, longest_backoff)
            stop.wait(poll_seconds)
    finally:
        _stop(runs, grace)
    return [ChildReport(r.child.name, r.starts, tuple(r.exits)) for r in runs]
