"""``halluxpath audit verify`` and ``halluxpath audit seal``: check and seal the audit log."""

from __future__ import annotations

import re
import threading
from argparse import ArgumentParser, ArgumentTypeError
from contextlib import nullcontext
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections
from django.utils import timezone

from halluxpath.audit.chain import merge_delay, verify
from halluxpath.audit.sealer import SEAL_BATCH_SIZE, SealerError, seal_pending
from halluxpath.core.hashchain import LogReport, Problem, SealRecord
from halluxpath.core.stopping import stop_on_signals

_SEAL_PROBLEMS = {Problem.SEAL_CHANGED, Problem.SEAL_REMOVED}


def known_seal(text: str) -> SealRecord:
    """``NUMBER:DIGEST``, as printed by ``audit verify`` and kept elsewhere."""
    match = re.fullmatch(r"(\d+):([0-9a-f]{64})", text.strip())
    if match is None:
        raise ArgumentTypeError("give the seal as NUMBER:DIGEST, as `audit verify` prints it")
    return SealRecord(int(match[1]), match[2])


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class Command(BaseCommand):
    help = (
        "Audit log tools. 'verify' checks every event against its seal and exits 1 naming "
        "the first problem. 'seal' binds new events into the chain of seals (once, or "
        "with --loop all the time: the sealer)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("operation", choices=["verify", "seal"], help="what to do")
        parser.add_argument(
            "--known-seal",
            type=known_seal,
            metavar="NUMBER:DIGEST",
            help="verify: also check this seal against a digest kept elsewhere",
        )
        parser.add_argument(
            "--loop", action="store_true", help="seal: keep sealing until SIGTERM or Ctrl-C"
        )
        parser.add_argument(
            "--interval-seconds",
            type=float,
            default=30.0,
            help="seal --loop: how long to wait between passes",
        )
        parser.add_argument("--batch-size", type=int, default=SEAL_BATCH_SIZE)
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="seal: hand one pass to django-tasks' worker (`halluxpath db_worker`)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["operation"] == "verify":
            self._verify(options["known_seal"])
        else:
            self._seal(options)

    def _verify(self, known: SealRecord | None) -> None:
        report = verify(known=known)
        if not report.ok:
            where = (
                f"seal {report.broken_at}"
                if report.kind in _SEAL_PROBLEMS
                else f"event {report.broken_at}"
            )
            raise CommandError(
                f"audit log is BROKEN at {where}: {report.kind}: {report.problem} "
                f"({report.checked} events checked before it)",
                returncode=1,
            )
        self.stdout.write(self._intact(report))
        if report.seals:
            self.stdout.write(
                f"newest seal {report.seals}:{report.newest_seal_digest} "
                "(keep a copy where the database's users cannot write)"
            )
        oldest = report.oldest_unsealed_at
        if oldest is not None and timezone.now() - oldest > merge_delay():
            self.stderr.write(
                "warning: events have waited longer than the merge delay to be sealed: "
                "is the sealer (`halluxpath audit seal --loop`) running?"
            )

    @staticmethod
    def _intact(report: LogReport) -> str:
        text = (
            f"audit log intact: {_plural(report.sealed, 'event')} sealed in "
            f"{_plural(report.seals, 'seal')}; {report.unsealed} not yet sealed"
        )
        if report.newest_unsealed_at is not None:
            newest = timezone.localtime(report.newest_unsealed_at)
            text += f" (newest at {newest:%Y-%m-%d %H:%M:%S %Z})"
        return text

    def _seal(self, options: dict[str, Any]) -> None:
        if options["batch_size"] < 1 or options["interval_seconds"] <= 0:
            raise CommandError("--batch-size must be at least 1 and --interval-seconds above 0")
        if options["enqueue"]:
            from halluxpath.audit.tasks import seal_audit_log

            result = seal_audit_log.enqueue()
            self.stdout.write(f"enqueued sealing run {result.id}")
            return
        # Only a loop listens for SIGTERM and Ctrl-C; one pass keeps the usual handlers.
        stopping = stop_on_signals() if options["loop"] else nullcontext(threading.Event())
        with stopping as stop:
            while not stop.is_set():
                if options["loop"]:
                    close_old_connections()
                try:
                    sealed = seal_pending(options["batch_size"], stop)
                except SealerError as error:
                    raise CommandError(f"{error}; nothing was sealed", returncode=1) from None
                if sealed.seals or not options["loop"]:
                    events, seals = _plural(sealed.events, "event"), _plural(sealed.seals, "seal")
                    self.stdout.write(f"sealed {events} in {seals}")
                if not options["loop"]:
                    break
                stop.wait(options["interval_seconds"])
