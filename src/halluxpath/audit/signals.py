"""Record sign-ins, sign-outs and failed sign-ins in the audit log (connected in AuditConfig)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from halluxpath.accounts.models import User
from halluxpath.audit import record
from halluxpath.audit.context import Actor, client_address


@receiver(user_logged_in)
def _logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    actor = Actor(user=user, client_address=client_address(request))
    record(actor, "login", object_type="user", object_id=user.pk)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        actor = Actor(user=user, client_address=client_address(request))
        record(actor, "logout", object_type="user", object_id=user.pk)


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # The user name typed is kept (it may be a typo of a real one); the
    # password never is: Django has already masked it in ``credentials``.
    actor = Actor(user=None, client_address=client_address(request))
    record(
        actor,
        "login",
        object_type="user",
        outcome="failed",
        detail={"username": str(credentials.get("username", ""))[:150]},
    )
