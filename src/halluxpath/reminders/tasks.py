"""The reminder work as a django-tasks task, for sites that already run its worker.

The usual way to send reminders is the long-running ``halluxpath
send_reminders`` command (docs/operations.md). A site that runs django-tasks'
database worker (``halluxpath db_worker``) for other work can instead enqueue
``send_due_reminders`` every few minutes (from cron: ``halluxpath
enqueue_reminders``). Both paths use the same schedule and the same leased
claim, so running both, or enqueuing twice, never sends a reminder twice.
"""

from __future__ import annotations

from django_tasks import task

from halluxpath.reminders.schedule import schedule
from halluxpath.reminders.worker import drain


@task()
def send_due_reminders() -> dict[str, int]:
    """Refresh the schedule, then send everything due; returns the counts."""
    planned = schedule()
    sent = drain()
    return {
        "scheduled": planned.created,
        "cancelled": planned.cancelled,
        "sent": sent.sent,
        "retrying": sent.retrying,
        "failed": sent.failed,
    }
