"""One account at a given episode's site, for the access-matrix test."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.db.models import Model

from halluxpath.accounts.models import Role, User
from halluxpath.patients.models import Episode


def _account(episode: Episode) -> User:
    user = User(
        username=f"sample-{secrets.token_hex(4)}",
        role=Role.NURSE,
        site_id=episode.patient.site_id,
    )
    user.set_unusable_password()
    user.save()
    return user


SAMPLES: dict[str, Callable[[Episode], Model]] = {"user_account": _account}
