"""``halluxpath escalate_alerts``: run every few minutes (cron or a timer)."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from halluxpath.aftercare.actions import ESCALATE_AFTER, escalate_overdue


class Command(BaseCommand):
    help = "Escalate urgent alerts nobody has acknowledged in time (default 2 hours)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--after-minutes", type=int, default=int(ESCALATE_AFTER.total_seconds() // 60)
        )

    def handle(self, *args: Any, **options: Any) -> None:
        escalated = escalate_overdue(
            timezone.now(), dt.timedelta(minutes=max(1, options["after_minutes"]))
        )
        self.stdout.write(f"{len(escalated)} alert(s) escalated")
