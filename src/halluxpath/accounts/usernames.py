"""User names: one normal form for every place a name is chosen or typed.

A user name is how a person is told apart in the audit log and at sign-in, so
two names that look the same must be the same name. Every name is put into
one form before it is stored or looked up: Unicode NFKC (a fullwidth ``ｓ``
becomes ``s``), then case-folded (``Surgeon`` is ``surgeon``), then checked
against a small safe alphabet (lower-case letters a-z, digits and ``. _ @ + -``).
Anything else, an invisible character (a zero-width space, a bidirectional
control, any other format character) or a letter of another script that looks
like a Latin one (Cyrillic ``а``), is refused with a message rather than stored.

The same function serves the invitation page, the administrators' user pages,
the ``create_user`` command and the sign-in form (where a refused name simply
matches nobody). Length is capped before any work is done, so a very long
name typed at sign-in is never normalised, looked up or recorded in full.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError

MAX_LENGTH = 150
SAFE = re.compile(r"[a-z0-9._@+-]+")
RULE = (
    "Use lower-case letters a to z, digits and . _ @ + - only "
    f"(no spaces or other characters), at most {MAX_LENGTH} characters."
)


def folded(raw: str) -> str:
    """NFKC then case-folded and trimmed; no check (for look-ups and the lockout record)."""
    return unicodedata.normalize("NFKC", raw[: MAX_LENGTH * 4]).casefold().strip()


def normalise_username(raw: str) -> str:
    """The stored form of a user name a person chose; ``ValidationError`` if it is unsafe."""
    if len(raw) > MAX_LENGTH * 4:
        raise ValidationError(f"That user name is too long: {RULE}", code="username")
    name = folded(raw)
    if not name:
        raise ValidationError("Choose a user name.", code="username")
    if len(name) > MAX_LENGTH or not SAFE.fullmatch(name):
        raise ValidationError(f"That user name cannot be used. {RULE}", code="username")
    return name


def _visible(name: str) -> bool:
    """No control, format (zero-width, bidirectional), unassigned or space character."""
    return all(not unicodedata.category(c).startswith(("C", "Z")) for c in name)


def sign_in_name(raw: str) -> str:
    """The name to look up at sign-in: the normal form, or ``""`` when no account can have it.

    An account made before names were checked may have a letter outside the
    safe alphabet (``josé``); its owner can still sign in with it. A name with
    an invisible character, or longer than ``MAX_LENGTH``, matches nobody.
    """
    try:
        return normalise_username(raw)
    except ValidationError:
        pass
    name = folded(raw) if len(raw) <= MAX_LENGTH * 4 else ""
    return name if 0 < len(name) <= MAX_LENGTH and _visible(name) else ""
