"""``halluxpath schedule_reminders``: refresh the outbox from the plans (idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from halluxpath.reminders.schedule import schedule


class Command(BaseCommand):
    help = "Put the reminders due in the next days into the outbox; safe to run at any time."

    def handle(self, *args: Any, **options: Any) -> None:
        result = schedule()
        self.stdout.write(
            f"{result.plans} plan(s): {result.created} reminder(s) added, "
            f"{result.cancelled} cancelled, {result.no_contact} plan(s) without an address"
        )
