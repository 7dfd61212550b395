"""How a reminder leaves the building: Django's e-mail backend, or an SMS gateway.

A text-message gateway is a class named by ``HALLUXPATH_SMS_BACKEND`` with one
method, ``send(recipient, body, idempotency_key)``. It raises
``DeliveryError`` when the gateway refuses (``retry=False`` when trying again
cannot help, e.g. an invalid number). The idempotency key is the outbox
row's deduplication key: gateways that accept a client reference use it to
drop a repeat, which closes the one gap an at-least-once worker leaves (a
worker killed after the gateway accepted a message but before the row was
marked sent). E-mails carry a Message-ID made from the same key, so a mail
client shows a repeat as one message.
"""

from __future__ import annotations

import hashlib
import smtplib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Protocol

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.utils.module_loading import import_string


class DeliveryError(Exception):
    """The message was not delivered; ``retry`` says whether trying again may help."""

    def __init__(self, reason: str, *, retry: bool = True) -> None:
        super().__init__(reason)
        self.retry = retry


@dataclass(frozen=True)
class Outgoing:
    key: str
    channel: str  # email or sms
    recipient: str
    subject: str
    body: str


class SmsBackend(Protocol):
    def send(self, recipient: str, body: str, idempotency_key: str) -> None: ...


class NoSmsBackend:
    """The default: no gateway configured, so text messages fail visibly at once."""

    def send(self, recipient: str, body: str, idempotency_key: str) -> None:
        raise DeliveryError(
            "No text-message gateway is configured (HALLUXPATH_SMS_BACKEND).", retry=False
        )


class ConsoleSmsBackend:
    """Writes text messages to standard output: for trying HalluxPath out."""

    def send(self, recipient: str, body: str, idempotency_key: str) -> None:
        sys.stdout.write(f"SMS to {recipient} [{idempotency_key}]: {body}\n")
        sys.stdout.flush()


class LocmemSmsBackend:
    """Keeps text messages in memory (``LocmemSmsBackend.outbox``), for tests."""

    outbox: ClassVar[list[tuple[str, str, str]]] = []

    def send(self, recipient: str, body: str, idempotency_key: str) -> None:
        self.outbox.append((recipient, body, idempotency_key))


def sms_backend() -> SmsBackend:
    backend: SmsBackend = import_string(settings.HALLUXPATH_SMS_BACKEND)()
    return backend


def message_id(key: str) -> str:
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:40]
    return f"<{digest}@reminders.halluxpath>"


Sender = Callable[[Outgoing], None]


def open_sender() -> tuple[Sender, Callable[[], None]]:
    """A function that sends one message, and one that closes what it opened.

    One e-mail connection serves a whole batch.
    """
    connection: BaseEmailBackend = get_connection(fail_silently=False)
    sms = sms_backend()
    opened = False

    def send(message: Outgoing) -> None:
        nonlocal opened
        if message.channel == "sms":
            sms.send(message.recipient, message.body, message.key)
            return
        email = EmailMessage(
            message.subject,
            message.body,
            settings.DEFAULT_FROM_EMAIL,
            [message.recipient],
            headers={"Message-ID": message_id(message.key)},
            connection=connection,
        )
        try:
            if not opened:
                connection.open()
                opened = True
            email.send()
        except smtplib.SMTPRecipientsRefused:
            raise DeliveryError("The mail server refused the address.", retry=False) from None
        except ValueError as error:  # Django refuses an address or header it cannot write
            raise DeliveryError(f"The e-mail could not be written: {error}", retry=False) from None
        except (smtplib.SMTPException, OSError) as error:
            connection.close()  # a broken connection is opened afresh for the next message
            opened = False
            raise DeliveryError(f"The mail server could not be reached: {error}") from None

    def close() -> None:
        if opened:
            connection.close()

    return send, close
