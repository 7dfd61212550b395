"""An e-mail backend for the worker tests that stands in for the mail server.

It appends one line per message to the file named by ``HALLUXPATH_TEST_SINK``
(``<Message-ID> <recipient>``), from any process, and can kill its own process
the moment it is handed message number ``HALLUXPATH_TEST_KILL_AT``, either
before the message reaches the "server" (``HALLUXPATH_TEST_KILL_WHEN=before``)
or after it did but before the worker could mark it sent (``after``).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Sequence
from typing import ClassVar

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage


class FileSinkBackend(BaseEmailBackend):
    handed: ClassVar[int] = 0

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        kill_at = int(os.environ.get("HALLUXPATH_TEST_KILL_AT", "0"))
        when = os.environ.get("HALLUXPATH_TEST_KILL_WHEN", "before")
        for message in email_messages:
            FileSinkBackend.handed += 1
            dying = FileSinkBackend.handed == kill_at
            if dying and when == "before":
                os.kill(os.getpid(), signal.SIGKILL)
            line = f"{message.extra_headers['Message-ID']} {message.to[0]}\n"
            with open(os.environ["HALLUXPATH_TEST_SINK"], "a", encoding="utf-8") as sink:
                sink.write(line)
            if dying:
                os.kill(os.getpid(), signal.SIGKILL)
        return len(email_messages)
