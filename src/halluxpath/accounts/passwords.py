"""Setting a new account's password: the site's password rules first, shown on the field."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from halluxpath.accounts.models import User


def set_checked_password(user: User, password: str) -> None:
    """Set ``password`` on the unsaved ``user`` if the rules allow it (AUTH_PASSWORD_VALIDATORS).

    A refusal is a ``ValidationError`` on the ``password`` field, as the forms show it.
    """
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None
    user.set_password(password)
