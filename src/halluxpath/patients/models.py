"""Patients and their episodes of care (one episode per foot treated)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

from halluxpath.core.episode import EpisodeStatus, Sex, Side, next_statuses

HOSPITAL_NUMBER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9-]{2,19}$"


class Status(models.TextChoices):
    REFERRED = EpisodeStatus.REFERRED.value, EpisodeStatus.REFERRED.label
    ASSESSED = EpisodeStatus.ASSESSED.value, EpisodeStatus.ASSESSED.label
    PLANNED = EpisodeStatus.PLANNED.value, EpisodeStatus.PLANNED.label
    OPERATED = EpisodeStatus.OPERATED.value, EpisodeStatus.OPERATED.label
    FOLLOW_UP = EpisodeStatus.FOLLOW_UP.value, EpisodeStatus.FOLLOW_UP.label
    DISCHARGED = EpisodeStatus.DISCHARGED.value, EpisodeStatus.DISCHARGED.label


class Reminders(models.TextChoices):
    """How the patient wants appointment and check-in reminders (reminders app)."""

    AUTO = "auto", "By e-mail if we have an address, otherwise by text message"
    EMAIL = "email", "By e-mail"
    SMS = "sms", "By text message"
    NONE = "none", "No reminders"


class Patient(models.Model):
    """A person under the clinic's care.

    ``version`` grows by one with every change; an edit must name the version
    it started from, so two people editing at once get a conflict instead of
    one silently overwriting the other (patients.actions).
    """

    site = models.ForeignKey("sites.Site", on_delete=models.PROTECT, related_name="patients")
    hospital_number = models.CharField(
        max_length=20,
        validators=[
            RegexValidator(HOSPITAL_NUMBER_PATTERN, "Use 3 to 20 letters, digits or hyphens.")
        ],
        help_text="The site's own record number for this patient (unique at the site).",
    )
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=10, choices=Sex.choices())
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    reminders = models.CharField(
        max_length=5,
        choices=Reminders.choices,
        default=Reminders.AUTO,
        help_text="How the patient wants reminders; the patient can change it in the portal.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="patient_record",
        help_text="The patient's own portal account, if they have one.",
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["family_name", "given_name", "hospital_number"]
        indexes = [models.Index(fields=["family_name", "given_name"])]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "hospital_number"], name="patient_hospital_number_unique_per_site"
            )
        ]

    def __str__(self) -> str:
        return f"{self.family_name.upper()}, {self.given_name} ({self.hospital_number})"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class Episode(models.Model):
    """One foot's course of care, from referral to discharge (core.episode)."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="episodes")
    side = models.CharField(max_length=5, choices=Side.choices())
    diagnosis = models.CharField(max_length=200)
    responsible_surgeon = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="responsible_episodes"
    )
    care_team = models.ForeignKey(
        "accounts.CareTeam", on_delete=models.PROTECT, related_name="episodes"
    )
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.REFERRED, db_index=True
    )
    referred_on = models.DateField()
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-referred_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(side__in=["left", "right"]), name="episode_side_known"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="episode_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_side_display()} foot, {self.get_status_display().lower()}"

    @property
    def next_statuses(self) -> list[tuple[str, str]]:
        return [(s.value, s.label) for s in next_statuses(EpisodeStatus(self.status))]


class StatusChange(models.Model):
    """One step in an episode's life, shown as its timeline."""

    episode = models.ForeignKey(Episode, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=12, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Status.choices)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField(max_length=500, blank=True)
    cause = models.CharField(
        max_length=200,
        blank=True,
        help_text='Why the status changed: "plan saved by ...", "operative record signed", '
        '"manual: <reason>" (blank on rows written before causes were kept).',
    )

    class Meta:
        ordering = ["changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or 'new'} -> {self.to_status}"

    @property
    def shown_cause(self) -> str:
        """The cause as shown on the timeline. A row written before causes were kept
        shows its note, if any: nobody recorded whether the work or a person moved it."""
        if self.cause:
            return self.cause
        if not self.from_status:
            return "episode opened"
        return self.note
