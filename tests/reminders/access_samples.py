"""One outbox message attached to a given episode, for the access-matrix test."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.db.models import Model

from halluxpath.patients.models import Episode
from tests.reminders.conftest import make_messages


def _reminder(episode: Episode) -> Model:
    return make_messages(episode, 1, prefix=f"sample-{secrets.token_hex(4)}")[0]


SAMPLES: dict[str, Callable[[Episode], Model]] = {"reminder": _reminder}
