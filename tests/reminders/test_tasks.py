"""The same reminder work through django-tasks' database backend and its worker."""

from __future__ import annotations

import io

import pytest
from django.core import mail
from django.core.management import call_command

from halluxpath.reminders.models import OutboxMessage, Status
from tests.conftest import Clinic
from tests.reminders.conftest import make_messages


@pytest.mark.django_db(transaction=True)
def test_the_enqueued_task_is_run_by_the_database_worker(clinic: Clinic) -> None:
    make_messages(clinic.patient_a.episodes.get(), 3)
    call_command("enqueue_reminders", stdout=io.StringIO())
    call_command("enqueue_reminders", stdout=io.StringIO())  # cron ran twice
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert OutboxMessage.objects.filter(status=Status.SENT).count() == 3
    assert len(mail.outbox) == 3  # the second run found nothing due
