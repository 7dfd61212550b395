"""Changing a password (signed in) and setting a new one from a reset link: both audited.

The rules are the site's password rules (accounts.passwords.set_checked_password,
AUTH_PASSWORD_VALIDATORS), the same as for a new account.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from halluxpath.accounts.models import User
from halluxpath.accounts.passwords import set_checked_password
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.frontdoor import page_only
from halluxpath.sites.schemas import PasswordChange


@page_only("a person changes their own password on their account page, signed in by password")
def change_password(actor: Actor, data: PasswordChange) -> User:
    """Set the actor's new password once their current one is confirmed."""
    if actor.user is None:
        raise PermissionDenied("sign in first")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.user.pk)
        if not user.check_password(data.current_password):
            record(
                actor, "change_password", object_type="user", object_id=user.pk, outcome="failed"
            )
            raise ValidationError({"current_password": "That is not your current password."})
        try:
            set_checked_password(user, data.new_password)
        except ValidationError as error:
            raise ValidationError({"new_password": error.messages}) from None
        user.save(update_fields=["password"])
        record(actor, "change_password", object_type="user", object_id=user.pk)
    return user


@page_only("the reset link is opened by someone not signed in; the API has no such door")
def reset_password(user: User, new_password: str, client_address: str | None) -> User:
    """Set the password of the person whose one-time reset link was checked by the page.

    The link stops working once the password changes (Django's token includes
    the password hash), so it is used once.
    """
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk, is_active=True)
        try:
            set_checked_password(locked, new_password)
        except ValidationError as error:
            raise ValidationError({"new_password1": error.messages}) from None
        locked.save(update_fields=["password"])
        record(
            Actor(locked, client_address), "reset_password", object_type="user", object_id=locked.pk
        )
    return locked
