"""Every write of the research side: request an export, make it, remove expired files.

- ``request_export``: a researcher or administrator asks for a new export of
  their site; the row is written with a fresh pseudonym key and the task
  ``tasks.make_research_export`` is enqueued once the row has committed.
- ``run_export``: the task's body. Claims a waiting export (a re-run or a
  second worker finds nothing to do), builds each table with its progress
  written as it goes (each step its own short write, so the page shows it and
  no lock is held while the site's records are read), writes the zip, and
  records the audit event; a failure is recorded as such and shown.
- ``remove_expired_exports``: removes the file of every export past its time
  (``HALLUXPATH_RESEARCH_EXPORT_KEEP_HOURS``); the row and its audit trail stay.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from halluxpath import frontdoor
from halluxpath.access import signed_in
from halluxpath.accounts import permissions
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.core.research import new_pseudonym_key
from halluxpath.research import package
from halluxpath.research.dataset import Scope, Table, builders, summary_table
from halluxpath.research.models import UNFINISHED, ExportStatus, ResearchExport
from halluxpath.research.schemas import ExportRequestInput
from halluxpath.sites.models import Site

log = logging.getLogger(__name__)

WRITING_PERCENT = 90
# An export still waiting or running after this long was lost (a worker stopped): it is
# marked failed so that its requester can ask again.
STALLED_AFTER = dt.timedelta(hours=6)


@frontdoor.page_only(
    "A research dataset is asked for by a named person on the research page, who then "
    "downloads it there; the JSON API serves clinical integration, not datasets."
)
def request_export(actor: Actor, data: ExportRequestInput) -> ResearchExport:
    """Ask for a new de-identified export of the actor's own site (made in the background)."""
    user = signed_in(actor)
    if not permissions.may_use_research_exports(user):
        raise PermissionDenied("Only researchers and administrators of the site export data.")
    purpose = data.purpose.strip()
    if not purpose:
        raise ValidationError({"purpose": "Say which study or question the dataset is for."})
    with transaction.atomic():
        if ResearchExport.objects.filter(requested_by=user, status__in=UNFINISHED).exists():
            raise ValidationError(
                "An export you asked for is still being made: wait for it to finish."
            )
        export = ResearchExport.objects.create(
            site_id=user.site_id,
            requested_by=user,
            purpose=purpose,
            pseudonym_key=new_pseudonym_key().hex(),
        )
        record(
            actor,
            "create",
            object_type="research_export",
            object_id=export.pk,
            detail={"purpose": purpose, "site_id": user.site_id},
        )
        transaction.on_commit(lambda: _enqueue(export.pk))
    return export


def _enqueue(export_id: int) -> None:
    from halluxpath.research.tasks import make_research_export

    make_research_export.enqueue(export_id)


def _claim(export_id: int) -> ResearchExport | None:
    with transaction.atomic():
        export = (
            ResearchExport.objects.select_for_update()
            .select_related("site", "requested_by")
            .filter(pk=export_id, status=ExportStatus.QUEUED)
            .first()
        )
        if export is None:
            return None
        export.status = ExportStatus.RUNNING
        export.started_at = timezone.now()
        export.step = "Starting"
        export.save(update_fields=["status", "started_at", "step"])
    return export


def _progress(export: ResearchExport, percent: int, step: str) -> None:
    ResearchExport.objects.filter(pk=export.pk).update(progress=min(percent, 100), step=step)


def keep_for() -> dt.timedelta:
    return dt.timedelta(hours=settings.HALLUXPATH_RESEARCH_EXPORT_KEEP_HOURS)


def run_export(export_id: int) -> ResearchExport | None:
    """Make the export ``export_id`` if it is waiting; None if there was nothing to do."""
    remove_expired_exports()
    export = _claim(export_id)
    if export is None:
        return None
    site: Site = export.site
    actor = Actor(export.requested_by)
    try:
        scope = Scope(site.pk, bytes.fromhex(export.pseudonym_key), site.smallest_count_shown)
        steps = builders()
        tables: list[Table] = []
        for number, (label, build) in enumerate(steps):
            _progress(export, number * WRITING_PERCENT // len(steps), f"Reading the {label}")
            tables.append(build(scope))
        tables.append(summary_table(scope, tables))
        _progress(export, WRITING_PERCENT, "Writing the files")
        written = package.write_zip(export.pk, tables, scope.pseudonym("site", site.pk))
    except Exception as error:
        log.exception("research export %s failed", export.pk)
        with transaction.atomic():
            ResearchExport.objects.filter(pk=export.pk).update(
                status=ExportStatus.FAILED,
                finished_at=timezone.now(),
                step="",
                error=f"The export could not be made ({type(error).__name__}). "
                "Ask for a new one; if it fails again, tell the site's administrator.",
            )
            record(
                actor,
                "export",
                object_type="research_export",
                object_id=export.pk,
                outcome="failed",
                detail={"error": type(error).__name__},
            )
        export.refresh_from_db()
        return export
    finished = timezone.now()
    try:
        with transaction.atomic():
            ResearchExport.objects.filter(pk=export.pk).update(
                status=ExportStatus.DONE,
                progress=100,
                step="",
                file=written.relative,
                sha256=written.sha256,
                size_bytes=written.size_bytes,
                finished_at=finished,
                expires_at=finished + keep_for(),
            )
            record(
                actor,
                "export",
                object_type="research_export",
                object_id=export.pk,
                detail={
                    "made_by": "background task",
                    "purpose": export.purpose,
                    "rows": {table.name: len(table.rows) for table in tables},
                    "sha256": written.sha256,
                },
            )
    except BaseException:
        package.remove_file(written.relative)
        raise
    export.refresh_from_db()
    return export


def remove_expired_exports(now: dt.datetime | None = None) -> int:
    """Remove the file of every finished export past its time; returns how many."""
    now = now or timezone.now()
    _fail_stalled(now)
    removed = 0
    due = ResearchExport.objects.filter(status=ExportStatus.DONE, expires_at__lte=now)
    for export in due.only("pk", "file"):
        with transaction.atomic():
            claimed = ResearchExport.objects.filter(pk=export.pk, status=ExportStatus.DONE).update(
                status=ExportStatus.EXPIRED, file="", removed_at=now
            )
            if not claimed:
                continue
            record(
                Actor(None),
                "remove_file",
                object_type="research_export",
                object_id=export.pk,
                detail={"reason": "its time limit passed"},
            )
        package.remove_file(export.file)
        removed += 1
    return removed


def _fail_stalled(now: dt.datetime) -> None:
    stalled = ResearchExport.objects.filter(
        status__in=UNFINISHED, created_at__lt=now - STALLED_AFTER
    ).values_list("pk", flat=True)
    for export_id in list(stalled):
        with transaction.atomic():
            if not ResearchExport.objects.filter(pk=export_id, status__in=UNFINISHED).update(
                status=ExportStatus.FAILED,
                finished_at=now,
                step="",
                error="The export stopped without finishing (the worker was stopped). "
                "Ask for a new one.",
            ):
                continue
            record(
                Actor(None),
                "export",
                object_type="research_export",
                object_id=export_id,
                outcome="failed",
                detail={"error": "stalled"},
            )
