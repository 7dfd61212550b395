"""``halluxpath send_reminders``: the reminder worker (run one or more, e.g. under systemd)."""

from __future__ import annotations

import datetime as dt
import logging
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from halluxpath.core.stopping import stop_on_signals
from halluxpath.reminders.schedule import schedule
from halluxpath.reminders.worker import LEASE, default_worker_name, drain

log = logging.getLogger(__name__)
POLL_AFTER_ERROR = 30.0  # seconds before a round that failed is tried again


class Command(BaseCommand):
    help = (
        "Send due reminders from the outbox. Without --once it keeps running: it refreshes "
        "the schedule every --schedule-minutes and looks for due messages every "
        "--poll-seconds. Several workers may run at once."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="Send what is due, then stop.")
        parser.add_argument("--worker", default="", help="A name for this worker in the outbox.")
        parser.add_argument("--batch-size", type=int, default=100)
        parser.add_argument("--poll-seconds", type=float, default=30.0)
        parser.add_argument("--schedule-minutes", type=float, default=15.0)
        parser.add_argument(
            "--lease-seconds",
            type=float,
            default=LEASE.total_seconds(),
            help="How long a claimed batch stays this worker's before others may take it over.",
        )
        parser.add_argument(
            "--no-schedule", action="store_true", help="Only send; do not refresh the schedule."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch_size"] < 1 or options["lease_seconds"] < 2:
            raise CommandError("--batch-size must be at least 1 and --lease-seconds at least 2")
        with stop_on_signals() as stop:
            worker = options["worker"] or default_worker_name()
            lease = dt.timedelta(seconds=options["lease_seconds"])
            next_schedule = 0.0
            while not stop.is_set():
                close_old_connections()
                try:
                    if not options["no_schedule"] and time.monotonic() >= next_schedule:
                        planned = schedule()
                        self.stdout.write(
                            f"schedule: {planned.created} new, {planned.cancelled} cancelled, "
                            f"{planned.no_contact} plan(s) without an address, "
                            f"{planned.problems} plan(s) that could not be read"
                        )
                        next_schedule = time.monotonic() + options["schedule_minutes"] * 60
                    result = drain(worker, batch_size=options["batch_size"], lease=lease, stop=stop)
                except Exception:  # e.g. the database away for a moment: try again next round
                    log.exception(
                        "the reminder round failed; trying again in %s s", POLL_AFTER_ERROR
                    )
                    if options["once"]:
                        raise
                    stop.wait(POLL_AFTER_ERROR)
                    continue
                if result.batches:
                    self.stdout.write(
                        f"{worker}: {result.sent} sent, {result.retrying} to retry, "
                        f"{result.failed} failed"
                    )
                self.stdout.flush()
                if options["once"]:
                    break
                stop.wait(options["poll_seconds"])
