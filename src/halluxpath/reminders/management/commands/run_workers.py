"""``halluxpath run_workers``: the background workers, each restarted if it dies."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from halluxpath.core.stopping import stop_on_signals
from halluxpath.reminders.supervisor import default_children, supervise


class Command(BaseCommand):
    help = (
        "Run the reminder worker, the alert escalation, the audit sealer and the task worker "
        "(research exports, the demo's films), and start "
        "again any that stops (with a growing pause). Ctrl-C or SIGTERM stops them all."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--log-dir",
            default="",
            help="Write each worker's output to <dir>/<worker>.log (default: this output).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with stop_on_signals() as stop:
            log_dir = Path(options["log_dir"]) if options["log_dir"] else None
            children = default_children(log_dir)
            self.stdout.write("running " + ", ".join(c.name for c in children))
            self.stdout.flush()
            for report in supervise(children, stop):
                self.stdout.write(f"{report.name}: started {report.starts} time(s)")
