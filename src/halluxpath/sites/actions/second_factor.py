"""Staff second factor: an authenticator app (TOTP, django-otp) and one-time recovery codes.

Enrolment makes an unconfirmed device whose secret the person adds to their
app; the first code they type back confirms it and makes ten recovery codes,
shown once. At sign-in a code from the app, or one recovery code (used up),
verifies the session. django-otp refuses a code already used (the device
remembers the last time step) and slows down repeated wrong codes.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_otp import match_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from halluxpath.accounts import permissions
from halluxpath.accounts.models import User
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.frontdoor import page_only

RECOVERY_CODES = 10
APP_DEVICE = "Authenticator app"
RECOVERY_DEVICE = "Recovery codes"
WRONG_CODE = "That code is not right (or has been used already). Type the code your app shows now."
PAGES = "a person enrols and uses their second factor on the sign-in and account pages only"


def _signed_in(actor: Actor) -> User:
    if actor.user is None or not permissions.is_signed_in(actor.user):
        raise PermissionDenied("sign in first")
    return actor.user


@page_only(PAGES)
def start_enrolment(actor: Actor) -> TOTPDevice:
    """A new unconfirmed authenticator device (any earlier unconfirmed one is dropped)."""
    user = _signed_in(actor)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)
        record(actor, "start_second_factor", object_type="user", object_id=user.pk)
    return device


def pending_device(user: User) -> TOTPDevice | None:
    """The person's unconfirmed authenticator device, if enrolment has started."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def _confirm(actor: Actor, token: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the pending device with a code from the app; return it and new recovery codes.

    A wrong code is a ``ValidationError`` on ``token`` (the failed try, and
    django-otp's count of them, are kept).

    A confirmed device replaces any earlier one (a new telephone), and the
    earlier recovery codes stop working.
    """
    user = _signed_in(actor)
    with transaction.atomic():
        device = pending_device(user)
        if device is None:
            raise ValidationError("Start again: there is no authenticator waiting to be confirmed.")
        if not device.verify_token(token.strip().replace(" ", "")[:16]):
            record(
                actor,
                "confirm_second_factor",
                object_type="user",
                object_id=user.pk,
                outcome="failed",
            )
            return device, []
        TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save()
        codes = _new_recovery_codes(user)
        record(actor, "confirm_second_factor", object_type="user", object_id=user.pk)
    return device, codes


@page_only(PAGES)
def confirm_enrolment(actor: Actor, token: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the pending device with a code from the app; return it and its recovery codes.

    A wrong code is refused on ``token`` once its failure has been kept (below).
    """
    device, codes = _confirm(actor, token)
    if not codes:
        raise ValidationError({"token": WRONG_CODE})
    return device, codes


@page_only(PAGES)
def replace_recovery_codes(actor: Actor) -> list[str]:
    """Ten new recovery codes; the old ones stop working."""
    user = _signed_in(actor)
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        record(actor, "new_recovery_codes", object_type="user", object_id=user.pk)
    return codes


@page_only(PAGES)
def verify_second_factor(actor: Actor, token: str) -> Device:
    """The device a code (app code or recovery code) belongs to; ``ValidationError`` if none.

    A recovery code is deleted as it is used; an app code's time step cannot be used again.
    """
    user = _signed_in(actor)
    with transaction.atomic():
        device = match_token(user, token.strip().replace(" ", "")[:16])
        if device is None:
            record(
                actor,
                "verify_second_factor",
                object_type="user",
                object_id=user.pk,
                outcome="failed",
            )
        else:
            record(
                actor,
                "verify_second_factor",
                object_type="user",
                object_id=user.pk,
                detail={"device": "recovery code" if isinstance(device, StaticDevice) else "app"},
            )
    if device is None:
        raise ValidationError({"token": WRONG_CODE})
    return device


@page_only(PAGES)
def reset_second_factor(actor: Actor, user_id: int) -> None:
    """An administrator removes a person's devices (a lost telephone); they enrol again."""
    if actor.user is None or not permissions.may_manage_site(actor.user):
        raise PermissionDenied("Only the site's administrators reset a second factor.")
    with transaction.atomic():
        person = User.objects.filter(pk=user_id, site_id=actor.user.site_id).first()
        if person is None:
            raise ValidationError("There is no such person at your site.")
        TOTPDevice.objects.filter(user=person).delete()
        StaticDevice.objects.filter(user=person).delete()
        record(actor, "reset_second_factor", object_type="user", object_id=person.pk)
