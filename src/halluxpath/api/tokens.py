"""The secret of an API token: how it is made, kept and checked (docs/api.md, Tokens).

A token is ``hxp_<prefix>_<secret>``: ``prefix`` is 10 hexadecimal digits,
public, stored as it is and shown on the pages; ``secret`` is 32 random bytes
(``secrets.token_urlsafe``, 256 bits). Only HMAC-SHA256 of the whole token,
keyed with the installation's ``SECRET_KEY``, is stored. A slow password hash
is not needed and would cost every request: it protects guessable
passwords, and a 256-bit random secret cannot be guessed; the key means a
copy of the database alone does not let anyone test candidate tokens
(the practice of GitHub's and PyPI's tokens, and OWASP's advice for API
keys). Tokens made before a key rotation still work while the old key is
in ``SECRET_KEY_FALLBACKS``.

:func:`checked` finds the row by prefix and compares the digest in constant
time; every reason a token is refused is said plainly (401).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.formats import date_format
from django.utils.timezone import localtime

from halluxpath.accounts import permissions
from halluxpath.api.models import ApiToken

MARK = "hxp"
PREFIX_BYTES = 5  # 10 hex digits, shown on the pages
SECRET_BYTES = 32
_SALT = "halluxpath.api.token"
MAX_TOKEN_LENGTH = 200


def shown_prefix(prefix: str) -> str:
    return f"{MARK}_{prefix}"


def new_token() -> tuple[str, str]:
    """A fresh (prefix, token); the caller stores ``digest(token)`` and shows the token once."""
    prefix = secrets.token_hex(PREFIX_BYTES)
    return prefix, f"{MARK}_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"


def digest(token: str, key: str | None = None) -> str:
    return salted_hmac(_SALT, token, secret=key, algorithm="sha256").hexdigest()


def _matches(token: str, stored: str) -> bool:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(constant_time_compare(digest(token, key), stored) for key in keys)


def prefix_of(token: str) -> str | None:
    """The prefix of a well-formed token, else None."""
    if len(token) > MAX_TOKEN_LENGTH:
        return None
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != MARK or not parts[2]:
        return None
    prefix = parts[1]
    if len(prefix) != 2 * PREFIX_BYTES or any(c not in "0123456789abcdef" for c in prefix):
        return None
    return prefix


UNKNOWN = "This API token is not known: check that it was copied whole, or make a new one."


@dataclass(frozen=True)
class Checked:
    """The row the token names (None when it names none) and why it is refused, if it is."""

    row: ApiToken | None
    refusal: str | None


def _when(moment: datetime) -> str:
    return date_format(localtime(moment), "DATETIME_FORMAT")


def checked(token: str, now: datetime) -> Checked:
    """Find and check a presented token: known, not revoked, not expired, its account usable."""
    prefix = prefix_of(token.strip())
    row = (
        ApiToken.objects.select_related("user", "site").filter(prefix=prefix).first()
        if prefix
        else None
    )
    if row is None or not _matches(token.strip(), row.digest):
        return Checked(None, UNKNOWN)
    if row.revoked_at is not None:
        return Checked(row, f"This API token was revoked on {_when(row.revoked_at)}.")
    if row.expires_at <= now:
        return Checked(row, f"This API token expired on {_when(row.expires_at)}.")
    if not permissions.uses_staff_pages(row.user):
        return Checked(row, "The account this API token acts as can no longer use the API.")
    if row.user.site_id != row.site_id:
        return Checked(
            row,
            f"This API token is bound to {row.site.name}, and the account it acts as "
            "no longer works there.",
        )
    return Checked(row, None)
