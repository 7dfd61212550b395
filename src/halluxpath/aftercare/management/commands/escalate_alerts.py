"""``halluxpath escalate_alerts``: once (cron or a timer), or ``--loop`` beside the web server."""

from __future__ import annotations

import datetime as dt
import logging
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from halluxpath.aftercare.actions import ESCALATE_AFTER, escalate_overdue
from halluxpath.core.stopping import stop_on_signals

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Escalate urgent alerts nobody has acknowledged in time (default 2 hours)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--after-minutes", type=int, default=int(ESCALATE_AFTER.total_seconds() // 60)
        )
        parser.add_argument(
            "--loop", action="store_true", help="Keep escalating until SIGTERM or Ctrl-C."
        )
        parser.add_argument(
            "--every-seconds", type=float, default=60.0, help="--loop: the pause between passes"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        after = dt.timedelta(minutes=max(1, options["after_minutes"]))
        if not options["loop"]:
            self._once(after)
            return
        with stop_on_signals() as stop:
            while not stop.is_set():
                close_old_connections()
                try:
                    self._once(after)
                except Exception:  # the database away for a moment: the next pass tries again
                    log.exception("escalation pass failed")
                stop.wait(max(1.0, options["every_seconds"]))

    def _once(self, after: dt.timedelta) -> None:
        escalated = escalate_overdue(timezone.now(), after)
        if escalated:
            log.warning("%s urgent alert(s) escalated: nobody acknowledged them", len(escalated))
        self.stdout.write(f"{len(escalated)} alert(s) escalated")
        self.stdout.flush()
