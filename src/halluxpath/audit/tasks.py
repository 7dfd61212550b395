"""The sealer as a django-tasks task, for sites that already run its worker.

The usual way is the long-running ``halluxpath audit seal --loop``
(docs/operations.md). A site that runs django-tasks' database worker
(``halluxpath db_worker``) can instead enqueue ``seal_audit_log`` every minute
(from cron: ``halluxpath audit seal --enqueue``). Sealers take turns on one
lock, so running both ways, or enqueuing twice, never seals an event twice.
"""

from __future__ import annotations

from django_tasks import task

from halluxpath.audit.sealer import seal_pending


@task()
def seal_audit_log() -> dict[str, int]:
    """Seal every event there is to seal; returns how many seals and events."""
    result = seal_pending()
    return {"seals": result.seals, "events": result.events}
