"""One research export of a site: who asked, how far it has got, and the file it made.

The row is kept after its file is removed (``status`` expired), so the site
can always say who exported what and when; the audit log has the same story
as events. ``pseudonym_key`` is the export's own random key (core.research):
it stays here, at the site, and never goes into the file.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being made"
    DONE = "done", "Ready to download"
    FAILED = "failed", "Failed"
    EXPIRED = "expired", "Removed (kept for its time limit only)"


UNFINISHED = (ExportStatus.QUEUED, ExportStatus.RUNNING)


class ResearchExport(models.Model):
    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="research_exports"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="research_exports"
    )
    purpose = models.CharField(
        max_length=200, help_text="The study or question the dataset is for (kept for the audit)."
    )
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done, 0-100.")
    step = models.CharField(max_length=100, blank=True, help_text="What it is doing now.")
    file = models.CharField(max_length=200, blank=True, help_text="Path under the media directory.")
    sha256 = models.CharField(max_length=64, blank=True)
    size_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    pseudonym_key = models.CharField(
        max_length=64, help_text="Hex of this export's pseudonym key; never leaves the site."
    )
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "expires_at"], name="research_export_expiry")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ExportStatus.values),
                name="research_export_status_known",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="research_export_progress_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"research export {self.pk} of site {self.site_id}"

    @property
    def is_unfinished(self) -> bool:
        return self.status in UNFINISHED

    @property
    def is_downloadable(self) -> bool:
        return self.status == ExportStatus.DONE and bool(self.file)

    @property
    def download_name(self) -> str:
        return f"halluxpath-research-export-{self.pk}.zip"
