"""``halluxpath refresh_registry``: rebuild every dashboard summary row, in batches."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from halluxpath.registry.actions import BATCH, refresh_all


class Command(BaseCommand):
    help = "Rebuild the dashboards' case summaries from the operative records and films."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--batch", type=int, default=BATCH, help=f"episodes per transaction (default {BATCH})"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        batch = options["batch"]
        if batch < 1:
            raise CommandError("--batch must be at least 1")
        kept = refresh_all(batch)
        self.stdout.write(f"{kept} operated episode(s) summarised")
