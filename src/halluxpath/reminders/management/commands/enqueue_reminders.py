"""``halluxpath enqueue_reminders``: hand the reminder work to django-tasks' worker (cron)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from halluxpath.reminders.tasks import send_due_reminders


class Command(BaseCommand):
    help = "Enqueue one run of the reminder work for `halluxpath db_worker` to do."

    def handle(self, *args: Any, **options: Any) -> None:
        result = send_due_reminders.enqueue()
        self.stdout.write(f"enqueued reminder run {result.id}")
