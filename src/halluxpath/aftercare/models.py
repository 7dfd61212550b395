"""Symptom check-ins and the alerts they raise (core.triage, DOMAIN §12)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from halluxpath.aftercare import stored
from halluxpath.core import triage


class Level(models.IntegerChoices):
    NONE = 0, "None"
    ROUTINE = 1, "Routine (next working day)"
    URGENT = 2, "Urgent (same day)"
    EMERGENCY = 3, "Emergency (999)"


# The care team's responses to an alert (core.triage.TeamResponse), with their words.
RESPONSES = [(r.value, triage.RESPONSE_WORDS[r]) for r in triage.TeamResponse]


class CheckIn(models.Model):
    episode = models.ForeignKey(
        "patients.Episode", on_delete=models.PROTECT, related_name="check_ins"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    answers = models.JSONField()
    free_text = models.TextField(blank=True, max_length=2000)
    level = models.IntegerField(choices=Level.choices, default=Level.NONE)
    photo = models.CharField(
        max_length=200, blank=True, help_text="Wound photo, relative to MEDIA_ROOT."
    )
    photo_sha256 = models.CharField(max_length=64, blank=True)
    submission = models.CharField(
        max_length=32,
        blank=True,
        help_text="The form's one-time token: a second send of the same form is the same check-in.",
    )

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["submitted_by", "submission"],
                condition=~models.Q(submission=""),
                name="one_check_in_per_form",
            )
        ]

    def __str__(self) -> str:
        return f"check-in {self.pk} of episode {self.episode_id}"

    @property
    def answer_values(self) -> dict[str, Any]:
        """The answers as the current schema has them (older rows read unchanged)."""
        return stored.CHECK_IN_ANSWERS.read(self.answers)


class Alert(models.Model):
    """One red-flag rule met by a check-in, waiting for a clinician to act on it."""

    check_in = models.ForeignKey(CheckIn, on_delete=models.PROTECT, related_name="alerts")
    episode = models.ForeignKey("patients.Episode", on_delete=models.PROTECT, related_name="alerts")
    rule = models.CharField(max_length=40)
    level = models.IntegerField(choices=Level.choices)
    patient_message = models.CharField(max_length=500)
    team_action = models.CharField(max_length=300)
    source = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    response = models.CharField(
        max_length=40,
        choices=RESPONSES,
        blank=True,
        help_text="What the clinician did (empty for alerts acknowledged before the choice).",
    )
    action_taken = models.CharField(
        max_length=500, blank=True, help_text="The clinician's words beside the response."
    )
    outcome = models.CharField(max_length=500, blank=True, help_text="Older acknowledgements.")
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["acknowledged_at", "-level", "created_at"]
        indexes = [models.Index(fields=["acknowledged_at", "level"])]

    def __str__(self) -> str:
        return f"{self.rule} ({self.get_level_display()}) for episode {self.episode_id}"


class AftercarePlan(models.Model):
    """One patient's dated plan, built from a pathway template (core.pathway).

    The plan keeps the template's name and version and its own items, so a
    later template never changes a plan already issued. Staff adjustments are
    ``PlanChange`` rows with who, when, why and the item before and after.
    """

    episode = models.OneToOneField(
        "patients.Episode", on_delete=models.PROTECT, related_name="aftercare_plan"
    )
    template = models.CharField(max_length=200)
    template_version = models.PositiveIntegerField()
    operated_on = models.DateField()
    options = models.JSONField(help_text="Fixation, prescriptions, risk flags used.")
    items = models.JSONField(help_text="The dated plan items.")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"aftercare plan of episode {self.episode_id}"

    @property
    def item_list(self) -> list[dict[str, Any]]:
        """The dated plan items as data (core.pathway.PlanItem fields), in plan order."""
        items: list[dict[str, Any]] = stored.PLAN_ITEMS.read(self.items)["items"]
        return items

    @property
    def option_values(self) -> dict[str, Any]:
        return stored.PLAN_OPTIONS.read(self.options)


class PlanChange(models.Model):
    plan = models.ForeignKey(AftercarePlan, on_delete=models.PROTECT, related_name="changes")
    item_key = models.CharField(max_length=40)
    before = models.JSONField()
    after = models.JSONField()
    reason = models.CharField(max_length=500)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"change to {self.item_key} in {self.plan}"

    @property
    def item_before(self) -> dict[str, Any]:
        return stored.PLAN_ITEM.read(self.before)

    @property
    def item_after(self) -> dict[str, Any]:
        return stored.PLAN_ITEM.read(self.after)


class Invitation(models.Model):
    """A one-time link that lets a patient create their portal account.

    Only a hash of the token is stored; the link works once, before it expires.
    """

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="invitations"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"invitation for patient {self.patient_id}"


class CalendarFeed(models.Model):
    """A private calendar address for a patient's visits; revoking it ends it at once.

    The address carries a random token; only its SHA-256 is stored.
    """

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"calendar feed of patient {self.patient_id}"


class PathwayTemplate(models.Model):
    """A named aftercare protocol (DOMAIN §11); its content lives in numbered versions.

    An admin edits a template by saving a new version; versions are never
    changed or deleted, and a plan already issued keeps its own items, so an
    edit never alters a patient's plan (core.pathway).
    """

    # Null only for templates stored before a site existed (see pathways.ensure_built_in).
    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="pathwaytemplate_name_per_site")
        ]

    def __str__(self) -> str:
        return self.name


class PathwayTemplateVersion(models.Model):
    template = models.ForeignKey(PathwayTemplate, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    steps = models.JSONField(help_text="The template's steps (core.pathway.Step as data).")
    note = models.CharField(max_length=500, help_text="What changed and why.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for the version shipped with HalluxPath.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="one_number_per_template")
        ]

    def __str__(self) -> str:
        return f"{self.template.name} v{self.number}"

    @property
    def step_list(self) -> list[dict[str, Any]]:
        """The steps as data (core.pathway.Step fields), as stored."""
        steps: list[dict[str, Any]] = stored.TEMPLATE_STEPS.read(self.steps)["steps"]
        return steps
