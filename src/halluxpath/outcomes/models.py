"""Questionnaires: the site's instruments and schedule, the patients' answers and scores.

- ``LoadedInstrument``: a licensed definition file a site loaded (DOMAIN §13:
  MOXFQ, EQ-5D-5L, FAAM, SEFAS, LEFS come with their wording from the site,
  never from this repository). Every load is kept; the newest per key is the
  one asked. Shipped instruments (core.instruments.SHIPPED) need no file.
- ``QuestionnaireSchedule``: which instruments a site asks at which time point
  and each window (core.schedule; a site without one uses the default).
- ``QuestionnaireResponse``: one instrument at one time point of one episode,
  answered by the patient in the portal or entered by staff from paper;
  unique per (episode, instrument, time point), answers kept as they are
  given so a patient who stops half way carries on where they stopped.
- ``Score``: one row per scored domain of a completed response (value null:
  not scorable, never a wrong score), for the dashboards' aggregates.
- ``QuestionnaireCall``: staff called a patient on the "to call" list.

Nothing here is deleted by the application.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from halluxpath.core.schedule import TimePointKey
from halluxpath.outcomes import stored


class ResponseStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"


TIME_POINT_CHOICES = TimePointKey.choices()


class LoadedInstrument(models.Model):
    """One load of a site's licensed definition file (core.instruments.load checked it)."""

    site = models.ForeignKey(
        "sites.Site", on_delete=models.PROTECT, related_name="loaded_instruments"
    )
    key = models.CharField(max_length=40, help_text="The instrument, e.g. moxfq, eq5d5l.")
    version = models.CharField(max_length=40, help_text="The version the file names.")
    definition = models.JSONField(help_text="The file as loaded (items, wording, value set).")
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    loaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["site", "key", "-loaded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["site", "key", "version"], name="loaded_instrument_version_once_per_site"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.version} at site {self.site_id}"

    @property
    def file_content(self) -> dict[str, Any]:
        content: dict[str, Any] = stored.DEFINITION.read(self.definition)["file"]
        return content


class QuestionnaireSchedule(models.Model):
    """A site's own schedule (core.schedule.Schedule as data); none: the default."""

    site = models.OneToOneField(
        "sites.Site", on_delete=models.PROTECT, related_name="questionnaire_schedule"
    )
    time_points = models.JSONField(help_text="core.schedule.Schedule.as_data()")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    def __str__(self) -> str:
        return f"questionnaire schedule of site {self.site_id}"

    @property
    def time_point_list(self) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = stored.SCHEDULE.read(self.time_points)["time_points"]
        return rows


class QuestionnaireResponse(models.Model):
    """One instrument at one time point of one episode (shared contract, issue 13)."""

    # No index of its own: the unique (episode, instrument, time point) starts with it.
    episode = models.ForeignKey(
        "patients.Episode",
        on_delete=models.PROTECT,
        related_name="questionnaire_responses",
        db_index=False,
    )
    instrument = models.CharField(max_length=40)
    instrument_version = models.CharField(max_length=40)
    time_point = models.CharField(max_length=10, choices=TIME_POINT_CHOICES)
    status = models.CharField(
        max_length=12, choices=ResponseStatus.choices, default=ResponseStatus.IN_PROGRESS
    )
    answers = models.JSONField(help_text="Item key -> answer, schema-versioned.")
    completed_on = models.DateField(null=True, blank=True)
    on_paper = models.BooleanField(default=False, help_text="Entered by staff from a paper form.")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["episode", "time_point", "instrument"]
        constraints = [
            models.UniqueConstraint(
                fields=["episode", "instrument", "time_point"],
                name="questionnaire_response_once_per_time_point",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ResponseStatus.values),
                name="questionnaire_response_status_known",
            ),
        ]
        indexes = [
            models.Index(
                fields=["time_point", "instrument", "status"], name="response_time_point_status"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument} at {self.time_point} of episode {self.episode_id}"

    @property
    def answer_values(self) -> dict[str, float | str | None]:
        values: dict[str, float | str | None] = stored.ANSWERS.read(self.answers)["answers"]
        return values

    @property
    def is_completed(self) -> bool:
        return self.status == ResponseStatus.COMPLETED


class Score(models.Model):
    """One scored domain of a completed response; value null = not scorable (shared contract)."""

    # No index of its own: the unique (response, domain) starts with it (a
    # registry holds about 11 scores an episode; each index is built again
    # after a bulk load, registry.volume).
    response = models.ForeignKey(
        QuestionnaireResponse, on_delete=models.PROTECT, related_name="scores", db_index=False
    )
    episode = models.ForeignKey(
        "patients.Episode", on_delete=models.PROTECT, related_name="questionnaire_scores"
    )
    instrument = models.CharField(max_length=40)
    domain = models.CharField(max_length=40)
    time_point = models.CharField(max_length=10, choices=TIME_POINT_CHOICES)
    value = models.FloatField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True, help_text="Why it was not scored.")
    profile = models.CharField(max_length=10, blank=True, help_text="EQ-5D-5L profile, e.g. 21143")

    class Meta:
        ordering = ["response", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["response", "domain"], name="score_once_per_domain")
        ]
        indexes = [
            models.Index(
                fields=["instrument", "domain", "time_point"], name="score_instrument_domain"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument}.{self.domain} at {self.time_point}: {self.value}"


class QuestionnaireCall(models.Model):
    """Staff called a patient about a questionnaire on the "to call" list."""

    episode = models.ForeignKey(
        "patients.Episode", on_delete=models.PROTECT, related_name="questionnaire_calls"
    )
    time_point = models.CharField(max_length=10, choices=TIME_POINT_CHOICES)
    note = models.CharField(max_length=500, blank=True)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    called_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-called_at", "-pk"]
        indexes = [models.Index(fields=["episode", "time_point"], name="call_episode_time_point")]

    def __str__(self) -> str:
        return f"call about {self.time_point} of episode {self.episode_id}"
