"""One-time invitation links to the patient portal.

The link carries a random token; the database keeps only its SHA-256, so a
copy of the database cannot be used to sign in. A link works once and for
``VALID_FOR`` (7 days); a replayed or expired link is refused with a message
that says what to do, and reveals nothing about the patient. Making and
accepting an invitation are aftercare.actions.invitations.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.exceptions import ValidationError
from django.utils import timezone

from halluxpath.aftercare.models import Invitation

VALID_FOR = dt.timedelta(days=7)
REFUSED = (
    "This invitation link cannot be used: it has been used already, it has expired, or "
    "it was copied wrongly. Ask the clinic for a new one."
)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def usable(token: str) -> Invitation:
    """The invitation behind ``token``, or ``ValidationError(REFUSED)``."""
    invitation = (
        Invitation.objects.select_related("patient").filter(token_hash=token_hash(token)).first()
    )
    if (
        invitation is None
        or invitation.used_at is not None
        or invitation.expires_at <= timezone.now()
        or invitation.patient.user_id is not None
    ):
        raise ValidationError(REFUSED)
    return invitation
