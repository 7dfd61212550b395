"""Page-level checks by named permission. Object-level checks live in each app's access module."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseBase

from halluxpath.accounts import permissions
from halluxpath.accounts.models import User

View = Callable[..., HttpResponseBase]
Predicate = Callable[[User | None], bool]


def allowed_if(predicate: Predicate) -> Callable[[View], View]:
    """Let only signed-in users for whom ``predicate`` holds in; others get a 403 page."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
            user = request.user if isinstance(request.user, User) else None
            if not predicate(user):
                raise PermissionDenied("This page is not available to your role.")
            return view(request, *args, **kwargs)

        return login_required(wrapper)

    return decorator


staff_required = allowed_if(permissions.uses_staff_pages)
patient_required = allowed_if(permissions.is_patient)
researcher_required = allowed_if(permissions.is_researcher)
admin_required = allowed_if(permissions.may_manage_site)


def signed_in_user(request: HttpRequest) -> User:
    """The request's user as a ``User``; a view behind the decorators above always has one."""
    if not isinstance(request.user, User):
        raise PermissionDenied("sign in first")
    return request.user
