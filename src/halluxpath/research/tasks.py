"""The research export as a django-tasks task (docs/research.md).

``request_export`` enqueues ``make_research_export`` once its row has
committed; the site's django-tasks worker (``halluxpath db_worker``) runs it.
A re-run, or a second worker, finds the export no longer waiting and does
nothing. ``remove_expired_research_exports`` can be enqueued from cron, as can
the command ``halluxpath remove_expired_exports``.
"""

from __future__ import annotations

from django_tasks import task

from halluxpath.research.actions import remove_expired_exports, run_export


@task()
def make_research_export(export_id: int) -> dict[str, object]:
    """Make one export; returns its status."""
    export = run_export(export_id)
    return {"export": export_id, "status": export.status if export else "not waiting"}


@task()
def remove_expired_research_exports() -> dict[str, int]:
    return {"removed": remove_expired_exports()}
