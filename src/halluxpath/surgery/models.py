"""Pre-operative assessment and the surgical plan of an episode (DOMAIN §3–§6).

Both keep what was computed (risk flags, planning suggestions) beside what
the clinician recorded or chose, so a later reader sees what the software
suggested and what was decided. Each carries a version for conflict-safe
edits; every change is in the audit log with its before and after values.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from halluxpath.core import operative
from halluxpath.core.planning import Technique
from halluxpath.core.risk import (
    Anaesthesia,
    AnaesthesiaReason,
    AsaGrade,
    Diabetes,
    InflammatoryArthritis,
    Neuropathy,
    Oestrogen,
    Smoking,
)
from halluxpath.records import SchemaError
from halluxpath.surgery import stored

__all__ = [
    "Amendment",
    "Anaesthesia",
    "AnaesthesiaReason",
    "AsaGrade",
    "ConsentSheet",
    "Diabetes",
    "InflammatoryArthritis",
    "Neuropathy",
    "Oestrogen",
    "OperativeRecord",
    "PreoperativeAssessment",
    "SafetyChecklist",
    "Smoking",
    "SurgicalPlan",
]


class PreoperativeAssessment(models.Model):
    episode = models.OneToOneField(
        "patients.Episode", on_delete=models.PROTECT, related_name="assessment"
    )
    smoking = models.CharField(max_length=10, choices=Smoking.choices(), default=Smoking.NEVER)
    diabetes = models.CharField(max_length=10, choices=Diabetes.choices(), default=Diabetes.NONE)
    hba1c_mmol_mol = models.FloatField("HbA1c (mmol/mol)", null=True, blank=True)
    hba1c_date = models.DateField("HbA1c date", null=True, blank=True)
    neuropathy = models.CharField(
        max_length=10, choices=Neuropathy.choices(), default=Neuropathy.NONE
    )
    foot_pulses_absent = models.BooleanField("A foot pulse is absent", default=False)
    abpi = models.FloatField("ABPI", null=True, blank=True)
    ankle_pressure_mmhg = models.FloatField("Ankle pressure (mmHg)", null=True, blank=True)
    inflammatory_arthritis = models.CharField(
        max_length=12, choices=InflammatoryArthritis.choices(), default=InflammatoryArthritis.NONE
    )
    steroid = models.BooleanField("Takes steroids", default=False)
    immunosuppressants = models.CharField(
        "Immunosuppressants or biologics", max_length=200, blank=True
    )
    bmi = models.FloatField("BMI (kg/m²)", null=True, blank=True)
    asa_grade = models.CharField(
        "ASA grade", max_length=4, choices=AsaGrade.choices(), default=AsaGrade.I
    )
    previous_surgery_same_foot = models.BooleanField("Previous surgery on this foot", default=False)
    allergies = models.CharField(max_length=300, blank=True)
    anticoagulant = models.CharField("Anticoagulant or antiplatelet", max_length=200, blank=True)
    vte_history = models.BooleanField("Previous VTE", default=False)
    vte_family_history = models.BooleanField("VTE in a first-degree relative", default=False)
    recent_cancer = models.BooleanField("Recent cancer", default=False)
    oestrogen = models.CharField(max_length=5, choices=Oestrogen.choices(), default=Oestrogen.NONE)
    immobilisation_planned = models.BooleanField(
        "Cast, boot or orthosis with reduced weight-bearing planned", default=False
    )
    vte_bleeding_assessed = models.BooleanField(
        "VTE and bleeding risk assessed (R-VTE-1)", default=False
    )
    vte_decision = models.CharField("VTE prophylaxis decision", max_length=300, blank=True)
    anaesthesia = models.CharField(
        max_length=30, choices=Anaesthesia.choices(), default=Anaesthesia.ANKLE_BLOCK
    )
    anaesthesia_reason = models.CharField(
        "Reason for the anaesthesia",
        max_length=12,
        choices=AnaesthesiaReason.choices(),
        default=AnaesthesiaReason.PREFERENCE,
    )
    anaesthesia_reason_detail = models.CharField("Reason, in words", max_length=300, blank=True)
    flags = models.JSONField(default=list, help_text="Risk flags computed at the last save.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"pre-operative assessment of episode {self.episode_id}"

    @property
    def risk_flags(self) -> list[dict[str, Any]]:
        """The risk flags of the last save, as ``core.risk.Flag`` fields."""
        return stored.read_items(stored.ASSESSMENT_FLAGS, self.flags)


class SurgicalPlan(models.Model):
    episode = models.OneToOneField(
        "patients.Episode", on_delete=models.PROTECT, related_name="plan"
    )
    measurement = models.ForeignKey(
        "imaging.Measurement",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The pre-operative landmarks the plan used.",
    )
    inputs = models.JSONField(help_text="Everything the suggestions were computed from.")
    suggested = models.JSONField(help_text="What HalluxPath suggested, with rules and sources.")
    technique = models.CharField(max_length=40, choices=Technique.choices())
    akin = models.BooleanField("Akin osteotomy", default=False)
    target_ima_deg = models.FloatField("Target IMA (°)")
    planned_shift_mm = models.FloatField(null=True, blank=True)
    planned_shift_pct = models.FloatField(null=True, blank=True)
    fixation = models.JSONField(
        default=list, help_text="Implants chosen: bone, kind, count, diameter and length in mm."
    )
    notes = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"plan for episode {self.episode_id}: {self.get_technique_display()}"

    @property
    def input_values(self) -> dict[str, Any]:
        """What the suggestion was computed from (empty for a plan saved without any)."""
        return stored.PLAN_INPUTS.read(self.inputs)

    @property
    def suggestion_values(self) -> dict[str, Any]:
        return stored.PLAN_SUGGESTION.read(self.suggested)

    @property
    def fixation_rows(self) -> list[dict[str, Any]]:
        return stored.read_items(stored.PLAN_FIXATION, self.fixation)


class ConsentSheet(models.Model):
    """One issued version of the personalised consent and risk sheet.

    The content shown and the PDF given are both kept, so what the patient saw
    can always be produced again exactly; a new sheet never changes an old one.
    """

    episode = models.ForeignKey(
        "patients.Episode", on_delete=models.PROTECT, related_name="consent_sheets"
    )
    number = models.PositiveIntegerField(help_text="1 for the first sheet of the episode.")
    content = models.JSONField(help_text="core.consent content as shown.")
    pdf_file = models.CharField(max_length=200, help_text="Path under the media directory.")
    sha256 = models.CharField(max_length=64)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    prepared_at = models.DateTimeField(auto_now_add=True)
    # That the patient signed this sheet's consent (issue 12, item 9): recorded once.
    signed_on = models.DateField("Date the patient signed", null=True, blank=True)
    consent_taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The clinician who took consent and recorded the signature.",
    )
    signature_recorded_at = models.DateTimeField(null=True, blank=True)
    interpreter_name = models.CharField(max_length=150, blank=True)
    interpreter_language = models.CharField(max_length=60, blank=True)
    signed_copy = models.CharField(
        max_length=200, blank=True, help_text="The scanned signed form, under the media directory."
    )
    signed_copy_sha256 = models.CharField(max_length=64, blank=True)
    signed_copy_type = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "number"], name="one_number_per_consent_sheet"
            )
        ]

    def __str__(self) -> str:
        return f"consent sheet {self.number} of episode {self.episode_id}"

    @property
    def is_signed(self) -> bool:
        return self.signed_on is not None

    @property
    def sheet_content(self) -> dict[str, Any]:
        """The ``core.consent.ConsentContent`` fields as shown on the sheet."""
        return stored.CONSENT_SHEET.read(self.content)


class SafetyChecklist(models.Model):
    """The WHO checklist of one operation (core.checklist), phase by phase."""

    episode = models.OneToOneField(
        "patients.Episode", on_delete=models.PROTECT, related_name="safety_checklist"
    )
    ticked = models.JSONField(default=dict, help_text="Item number -> who and when.")
    completed = models.JSONField(default=dict, help_text="Phase -> who and when.")
    site_marked = models.BooleanField(default=False)
    marked_by = models.CharField(max_length=150, blank=True)
    mark_visible_after_draping = models.BooleanField(null=True, blank=True)
    laterality = models.JSONField(default=dict, help_text="The three-way check at Time Out.")
    team = models.JSONField(
        default=dict, blank=True, help_text="Role -> the team member's name (core.checklist)."
    )
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"safety checklist of episode {self.episode_id}"

    @property
    def ticks(self) -> dict[int, dict[str, Any]]:
        """Item number -> who ticked it and when."""
        return {int(k): v for k, v in stored.CHECKLIST_TICKED.read(self.ticked).items()}

    @property
    def phases_done(self) -> dict[str, dict[str, Any]]:
        """Phase -> who completed it and when."""
        return stored.CHECKLIST_COMPLETED.read(self.completed)

    @property
    def team_names(self) -> dict[str, str]:
        """Team role -> name, as recorded at the last phase (empty before any)."""
        try:
            team = stored.CHECKLIST_TEAM.read(self.team)
        except SchemaError:
            return {}
        return {str(k): str(v) for k, v in team.items() if isinstance(v, str | int | float)}

    @property
    def laterality_result(self) -> dict[str, Any]:
        return stored.CHECKLIST_LATERALITY.read(self.laterality)


class OperativeRecord(models.Model):
    """The structured record of the operation (DOMAIN §5).

    Signed once by the surgeon; after that every change is an ``Amendment``
    with its reason, author and time, and ``signed_content`` keeps the record
    exactly as it was signed.
    """

    episode = models.OneToOneField(
        "patients.Episode", on_delete=models.PROTECT, related_name="operative_record"
    )
    operated_on = models.DateField()
    content = models.JSONField(help_text="The current record (fields of DOMAIN §5).")
    signed_content = models.JSONField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"operative record of episode {self.episode_id}"

    @property
    def is_signed(self) -> bool:
        return self.signed_at is not None

    @property
    def record_content(self) -> dict[str, Any]:
        """The current record (``core.operative.stored_content`` layout)."""
        return stored.OPERATIVE_RECORD.read(self.content)

    @property
    def readable_record(self) -> tuple[dict[str, Any], tuple[str, ...]]:
        """The current record as far as it reads, and its unreadable parts (legacy rows)."""
        try:
            content: object = self.record_content
        except SchemaError:
            content = None
        return operative.readable_content(content)

    @property
    def readable_signed_record(self) -> tuple[dict[str, Any], tuple[str, ...]] | None:
        """The record as signed, as far as it reads; None before signing."""
        if self.signed_content is None:
            return None
        try:
            content: object = self.signed_record
        except SchemaError:
            content = None
        return operative.readable_content(content)

    @property
    def signed_record(self) -> dict[str, Any] | None:
        """The record exactly as signed, with its operation date; None before signing."""
        if self.signed_content is None:
            return None
        return stored.OPERATIVE_RECORD.read(self.signed_content)


class Amendment(models.Model):
    record = models.ForeignKey(OperativeRecord, on_delete=models.PROTECT, related_name="amendments")
    changes = models.JSONField(help_text="Field -> before and after.")
    reason = models.CharField(max_length=500)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["made_at", "pk"]

    def __str__(self) -> str:
        return f"amendment to {self.record}"

    @property
    def field_changes(self) -> dict[str, dict[str, Any]]:
        """Field -> ``{"before": ..., "after": ...}``."""
        return stored.AMENDMENT_CHANGES.read(self.changes)
