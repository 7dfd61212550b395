"""``halluxpath remove_expired_exports``: remove research export files past their time (cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from halluxpath.research.actions import remove_expired_exports


class Command(BaseCommand):
    help = "Remove the files of research exports kept longer than the site allows."

    def handle(self, *args: Any, **options: Any) -> None:
        removed = remove_expired_exports()
        self.stdout.write(
            f"removed {removed} expired research export file{'s' if removed != 1 else ''}"
        )
