"""The complications register and recurrence proposals (DOMAIN §7, §2; issue 13 items 3-4).

A ``Complication`` keeps its grade beside the grading system it was given in
(DOMAIN §7: never converted). It is never deleted: a correction is a
``ComplicationAmendment`` (who, when, why, each field before and after, as
for the operative record), and a complication recorded by mistake is marked
``entered_in_error`` (again by amendment) and kept. Each edit carries a
``version`` (records.check_version).

A ``RecurrenceProposal`` is made when a follow-up film's measurement meets
the site's recurrence rule (core.complications.recurrence_proposed); it waits
on the surgeon's worklist until confirmed (then it has its complication of
kind recurrence) or rejected with a reason. One proposal per measurement.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from halluxpath.core.complications import ALL_GRADE_CODES, GradeSystem, Kind, ProposalStatus
from halluxpath.records import JsonSchema


def _object(legacy: Any) -> dict[str, Any]:
    return dict(legacy) if isinstance(legacy, dict) else {}


AMENDMENT_CHANGES = JsonSchema("halluxpath.complication-changes", 1, {0: _object})

__all__ = [
    "AMENDMENT_CHANGES",
    "Complication",
    "ComplicationAmendment",
    "GradeSystem",
    "Kind",
    "ProposalStatus",
    "RecurrenceProposal",
]


class Complication(models.Model):
    """One complication of one episode, as the care team recorded (and amended) it."""

    episode = models.ForeignKey(
        "patients.Episode", on_delete=models.PROTECT, related_name="complications"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices())
    description = models.CharField(
        max_length=300, blank=True, help_text="What happened, in a few words (needed for Other)."
    )
    onset_on = models.DateField(help_text="The day it started (or was first noticed).")
    grade_system = models.CharField(max_length=20, choices=GradeSystem.choices())
    grade = models.CharField(max_length=5)
    treatment = models.TextField(max_length=2000, blank=True)
    reoperation = models.BooleanField(default=False)
    reoperated_on = models.DateField(null=True, blank=True)
    reoperation_reason = models.CharField(max_length=500, blank=True)
    implant_removed = models.BooleanField(default=False)
    resolved_on = models.DateField(null=True, blank=True)
    alert = models.ForeignKey(
        "aftercare.Alert",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complications",
        help_text="The triage alert this complication was recorded from, if any.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    entered_in_error = models.BooleanField(
        default=False, help_text="Recorded by mistake: kept, shown struck through, never counted."
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["onset_on", "pk"]
        indexes = [models.Index(fields=["kind", "entered_in_error"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=Kind.values()), name="complication_kind_known"
            ),
            models.CheckConstraint(
                condition=models.Q(grade_system__in=GradeSystem.values()),
                name="complication_grade_system_known",
            ),
            models.CheckConstraint(
                condition=models.Q(grade__in=ALL_GRADE_CODES), name="complication_grade_known"
            ),
            models.CheckConstraint(
                condition=models.Q(reoperated_on__isnull=True)
                | models.Q(reoperated_on__gte=models.F("onset_on")),
                name="complication_reoperation_not_before_onset",
            ),
            models.CheckConstraint(
                condition=models.Q(resolved_on__isnull=True)
                | models.Q(resolved_on__gte=models.F("onset_on")),
                name="complication_resolution_not_before_onset",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of episode {self.episode_id}"


class ComplicationAmendment(models.Model):
    """One correction of a complication: each field before and after, why, by whom, when."""

    complication = models.ForeignKey(
        Complication, on_delete=models.PROTECT, related_name="amendments"
    )
    changes = models.JSONField(help_text="Field -> before and after.")
    reason = models.CharField(max_length=500)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["made_at", "pk"]

    def __str__(self) -> str:
        return f"amendment to {self.complication}"

    @property
    def field_changes(self) -> dict[str, dict[str, Any]]:
        """Field -> ``{"before": ..., "after": ...}``."""
        return AMENDMENT_CHANGES.read(self.changes)


class RecurrenceProposal(models.Model):
    """Recurrence proposed from one measurement of a follow-up film, for a surgeon to decide."""

    episode = models.ForeignKey(
        "patients.Episode", on_delete=models.PROTECT, related_name="recurrence_proposals"
    )
    radiograph = models.ForeignKey(
        "imaging.Radiograph", on_delete=models.PROTECT, related_name="recurrence_proposals"
    )
    measurement = models.OneToOneField(
        "imaging.Measurement", on_delete=models.PROTECT, related_name="recurrence_proposal"
    )
    hva_deg = models.FloatField()
    threshold_deg = models.PositiveSmallIntegerField(
        help_text="The site's recurrence threshold when proposed (HVA > this)."
    )
    days_after_operation = models.PositiveIntegerField()
    status = models.CharField(
        max_length=10, choices=ProposalStatus.choices(), default=ProposalStatus.PROPOSED.value
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True, help_text="Why it was rejected.")
    complication = models.OneToOneField(
        Complication,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recurrence_proposal",
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        indexes = [models.Index(fields=["status", "episode"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ProposalStatus.values()),
                name="recurrence_proposal_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"recurrence proposal (HVA {self.hva_deg:g}°) for episode {self.episode_id}"

    @property
    def is_open(self) -> bool:
        return self.status == ProposalStatus.PROPOSED
