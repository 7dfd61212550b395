"""An integration token at a given episode's site, for the access-matrix test.

It acts as a fresh account of that site, none of the matrix's people, so the
matrix sees the administrators' rule (the site's tokens); a person's own
tokens are tested in tests/api/test_tokens.py.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta

from django.db.models import Model
from django.utils import timezone

from halluxpath.accounts.models import Role, User
from halluxpath.api import tokens
from halluxpath.api.models import ApiToken, TokenKind
from halluxpath.patients.models import Episode


def _token(episode: Episode) -> ApiToken:
    account = User(
        username=f"bridge-{secrets.token_hex(4)}", role=Role.NURSE, site_id=episode.patient.site_id
    )
    account.set_unusable_password()
    account.save()
    prefix, secret = tokens.new_token()
    now = timezone.now()
    return ApiToken.objects.create(
        kind=TokenKind.INTEGRATION,
        name="PACS bridge",
        user=account,
        site_id=account.site_id,
        prefix=prefix,
        digest=tokens.digest(secret),
        scopes="patients:read",
        created_at=now,
        created_by=account,
        expires_at=now + timedelta(days=30),
    )


SAMPLES: dict[str, Callable[[Episode], Model]] = {"api_token": _token}
