"""Page-level role checks. Object-level checks live in each app's access module."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import ParamSpec

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from halluxpath.accounts.models import STAFF_ROLES, Role, User

P = ParamSpec("P")
View = Callable[..., HttpResponseBase]


def roles_required(roles: Iterable[str]) -> Callable[[View], View]:
    """Let only signed-in users with one of ``roles`` in; others get a 403 page."""
    allowed = frozenset(roles)

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
            if getattr(request.user, "role", None) not in allowed:
                raise PermissionDenied("This page is not available to your role.")
            return view(request, *args, **kwargs)

        return login_required(wrapper)

    return decorator


staff_required = roles_required(STAFF_ROLES)
patient_required = roles_required({Role.PATIENT})
researcher_required = roles_required({Role.RESEARCHER})
admin_required = roles_required({Role.ADMIN})


def signed_in_user(request: HttpRequest) -> User:
    """The request's user as a ``User``; a view behind the decorators above always has one."""
    if not isinstance(request.user, User):
        raise PermissionDenied("sign in first")
    return request.user
