"""The reminder worker: once per key, retries with backoff, failures kept for staff."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone
from pytest_django import Settings

from halluxpath.reminders.channels import DeliveryError, LocmemSmsBackend, Outgoing, message_id
from halluxpath.reminders.models import OutboxMessage, Status
from halluxpath.reminders.worker import claim, drain, retry_delay, send_batch
from tests.conftest import Clinic
from tests.reminders.conftest import make_messages


def test_due_messages_go_out_once_by_email(clinic: Clinic) -> None:
    episode = clinic.patient_a.episodes.get()
    make_messages(episode, 3)
    make_messages(episode, 2, due=timezone.now() + dt.timedelta(hours=1), prefix="later")
    result = drain("w1")
    assert (result.sent, result.failed) == (3, 0)
    assert len(mail.outbox) == 3
    assert mail.outbox[0].extra_headers["Message-ID"] == message_id("test:0")
    assert mail.outbox[0].to == ["ada@example.org"]
    assert drain("w1").sent == 0  # nothing due, nothing sent twice
    statuses = Counter(OutboxMessage.objects.values_list("status", flat=True))
    assert statuses == {Status.SENT: 3, Status.PENDING: 2}
    sent = OutboxMessage.objects.filter(status=Status.SENT)
    assert all(m.sent_at and m.attempts == 1 and not m.lease_until for m in sent)


def test_text_messages_use_the_configured_gateway(clinic: Clinic, settings: Settings) -> None:
    settings.HALLUXPATH_SMS_BACKEND = "halluxpath.reminders.channels.LocmemSmsBackend"
    LocmemSmsBackend.outbox.clear()
    make_messages(clinic.patient_a.episodes.get(), 2, channel="sms", recipient="07700 900123")
    assert drain("w1").sent == 2
    assert [(to, key) for to, _, key in LocmemSmsBackend.outbox] == [
        ("07700 900123", "test:0"),
        ("07700 900123", "test:1"),
    ]


def test_without_a_gateway_text_messages_fail_at_once_and_visibly(clinic: Clinic) -> None:
    make_messages(clinic.patient_a.episodes.get(), 1, channel="sms", recipient="07700 900123")
    result = drain("w1")
    assert (result.sent, result.failed) == (0, 1)
    failed = OutboxMessage.objects.get()
    assert failed.status == Status.FAILED
    assert "No text-message gateway" in failed.last_error


def test_failures_retry_with_backoff_then_fail_after_the_last_try(
    clinic: Clinic, settings: Settings
) -> None:
    settings.HALLUXPATH_REMINDER_MAX_ATTEMPTS = 3
    make_messages(clinic.patient_a.episodes.get(), 1)

    def broken(message: Outgoing) -> None:
        raise DeliveryError("The mail server could not be reached: timed out")

    for attempt in (1, 2):
        before = timezone.now()
        assert drain("w1", sender=broken).retrying == 1
        row = OutboxMessage.objects.get()
        assert (row.status, row.attempts) == (Status.PENDING, attempt)
        assert row.next_attempt_at >= before + retry_delay(attempt)
        assert drain("w1", sender=broken).batches == 0  # not due again yet
        OutboxMessage.objects.update(next_attempt_at=timezone.now())
    assert drain("w1", sender=broken).failed == 1
    row = OutboxMessage.objects.get()
    assert (row.status, row.attempts) == (Status.FAILED, 3)
    assert row.last_error == "The mail server could not be reached: timed out"


def test_backoff_doubles_and_is_capped() -> None:
    assert [retry_delay(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert retry_delay(50) == dt.timedelta(hours=6)


def test_a_refused_address_is_not_tried_again(clinic: Clinic) -> None:
    make_messages(clinic.patient_a.episodes.get(), 1)

    def refused(message: Outgoing) -> None:
        raise DeliveryError("The mail server refused the address.", retry=False)

    assert drain("w1", sender=refused).failed == 1
    assert OutboxMessage.objects.get().attempts == 1


def test_a_claimed_batch_is_not_claimed_again_until_its_lease_ends(clinic: Clinic) -> None:
    make_messages(clinic.patient_a.episodes.get(), 5)
    token, first = claim("w1", batch_size=3, lease=dt.timedelta(minutes=5))
    _, second = claim("w2", batch_size=10, lease=dt.timedelta(minutes=5))
    assert len(first) == 3
    assert len(second) == 2
    assert not {m.pk for m in first} & {m.pk for m in second}
    _, third = claim("w3", batch_size=10)
    assert third == []
    OutboxMessage.objects.filter(lease_token=token).update(
        lease_until=timezone.now() - dt.timedelta(seconds=1)
    )  # w1 died: its lease runs out
    _, taken_over = claim("w3", batch_size=10)
    assert {m.pk for m in taken_over} == {m.pk for m in first}
    assert all(m.attempts == 2 for m in taken_over)


def test_a_worker_stops_before_its_lease_runs_out_and_hands_the_rest_back(
    clinic: Clinic,
) -> None:
    make_messages(clinic.patient_a.episodes.get(), 4)
    seen: list[str] = []

    def slow(message: Outgoing) -> None:
        seen.append(message.key)
        time.sleep(1.1)  # more than half of the 2-second lease below

    result = send_batch("w1", sender=slow, lease=dt.timedelta(seconds=2), batch_size=4)
    assert result is not None
    assert (result.sent, seen) == (1, ["test:0"])
    rest = OutboxMessage.objects.exclude(status=Status.SENT)
    assert [(m.attempts, m.lease_until, m.lease_token) for m in rest] == [(0, None, "")] * 3
    assert drain("w1").sent == 3
    assert len(mail.outbox) == 3


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_reminder_exactly_once(clinic: Clinic) -> None:
    make_messages(clinic.patient_a.episodes.get(), 400)
    delivered: list[str] = []
    lock = threading.Lock()

    def gateway(message: Outgoing) -> None:
        with lock:
            delivered.append(message.key)

    def work(name: str) -> None:
        try:
            drain(name, sender=gateway, batch_size=25)
        finally:
            connection.close()

    workers = [threading.Thread(target=work, args=(f"w{i}",)) for i in (1, 2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(delivered) == 400
    assert len(set(delivered)) == 400
    assert OutboxMessage.objects.filter(status=Status.SENT).count() == 400
    owners = set(OutboxMessage.objects.values_list("lease_owner", flat=True))
    assert owners <= {"w1", "w2"}


def test_an_unexpected_error_is_a_failed_try_not_a_dead_worker(
    clinic: Clinic, caplog: pytest.LogCaptureFixture
) -> None:
    make_messages(clinic.patient_a.episodes.get(), 2)

    def buggy_gateway(message: Outgoing) -> None:
        if message.key == "test:0":
            raise RuntimeError("gateway library bug")

    result = drain("w1", sender=buggy_gateway)
    assert (result.sent, result.retrying) == (1, 1)
    row = OutboxMessage.objects.get(dedup_key="test:0")
    assert (row.status, row.attempts) == (Status.PENDING, 1)
    assert "RuntimeError('gateway library bug')" in row.last_error
    assert "unexpected error while sending" in caplog.text
