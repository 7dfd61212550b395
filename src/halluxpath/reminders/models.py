"""The outbox: one row per reminder, sent by the worker (reminders.worker).

``dedup_key`` is unique, so scheduling a reminder twice keeps one row, and a
row is sent by whichever worker holds its lease (``lease_token`` and
``lease_until``); a worker that dies loses its lease when it expires and
another worker takes the row over.
"""

from __future__ import annotations

from django.db import models


class Kind(models.TextChoices):
    APPOINTMENT = "appointment", "Appointment"
    CHECK_IN = "check_in", "Check-in prompt"
    QUESTIONNAIRE = "questionnaire", "Questionnaire due"
    INVITATION = "invitation", "Portal invitation"
    # Not a message: a plan whose reminders could not be worked out, shown to
    # staff among the failures and never sent (reminders.schedule).
    PLAN_PROBLEM = "plan_problem", "Reminders could not be worked out"


PROBLEM = Kind.PLAN_PROBLEM.value  # the dedup-key prefix of those rows


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    SMS = "sms", "Text message"


class Status(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed after the last try"
    CANCELLED = "cancelled", "No longer needed"
    STOPPED = "stopped", "Stopped by staff"


class OutboxMessage(models.Model):
    dedup_key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="outbox_messages"
    )
    episode = models.ForeignKey(
        "patients.Episode", on_delete=models.PROTECT, related_name="outbox_messages"
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    recipient = models.CharField(max_length=254)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    source = models.CharField(max_length=200)
    due_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    lease_owner = models.CharField(max_length=100, blank=True)
    lease_token = models.CharField(max_length=32, blank=True, db_index=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to patient {self.patient_id} ({self.status})"
