"""API authentication: an API token (``Authorization: Bearer``) or a staff session (CSRF-checked).

Each router is mounted with :func:`signed_in_to` its area (api.urls). A
request that carries a bearer token is judged by the token alone: unknown,
revoked or expired is 401, a scope that does not cover the call is 403,
each with a problem body saying which (api.errors). A valid token acts as
its account: the role, teams and site rules are the account's, unchanged,
and the token's scopes narrow them further. Without a bearer token the
session is used, with the same rule as the staff pages; ``SessionAuth``
checks CSRF on every unsafe method (a token is not sent by a browser on
its own, so it needs no CSRF check).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from halluxpath.accounts import permissions
from halluxpath.api import actions, scopes, tokens
from halluxpath.api.errors import Problem
from halluxpath.api.models import ApiToken
from halluxpath.audit.context import client_address

# The request attribute naming the token presented (set even when it is refused, for the audit).
PRESENTED = "halluxpath_api_token"


class StaffSession(SessionAuth):
    """A session whose user works on the staff pages; patients and researchers are refused.

    The same rule as the staff pages (``permissions.uses_staff_pages``), so
    the two front doors admit the same people. CSRF is checked by
    ``SessionAuth`` for every unsafe method.
    """

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None:
            return None
        return user if permissions.uses_staff_pages(user) else None


def presented_token(request: HttpRequest) -> ApiToken | None:
    found = getattr(request, PRESENTED, None)
    return found if isinstance(found, ApiToken) else None


class TokenAuth(HttpBearer):
    """A bearer API token whose scopes cover ``area`` for this request's method."""

    def __init__(self, area: scopes.Area, *, stores_nothing: bool = False) -> None:
        super().__init__()
        self.area = area
        self.stores_nothing = stores_nothing

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        now = timezone.now()
        found = tokens.checked(token, now)
        setattr(request, PRESENTED, found.row)
        if found.refusal is not None or found.row is None:
            raise Problem(
                401,
                found.refusal or tokens.UNKNOWN,
                kind="invalid-token",
                headers={"WWW-Authenticate": 'Bearer realm="HalluxPath", error="invalid_token"'},
            )
        row = found.row
        access = scopes.access_of(request.method or "GET", stores_nothing=self.stores_nothing)
        if not scopes.grants(row.scope_list, self.area, access):
            needed = scopes.scope(self.area, access)
            held = ", ".join(row.scope_list) or "none"
            wider = (
                f" (or {scopes.scope(self.area, scopes.Access.WRITE)})"
                if access is scopes.Access.READ
                else ""
            )
            raise Problem(
                403,
                f"This API token may not {access.value} {scopes.RECORDS[self.area]}: "
                f"that needs the scope {needed}{wider}; the token has {held}.",
                kind="insufficient-scope",
                headers={
                    "WWW-Authenticate": (
                        f'Bearer realm="HalluxPath", error="insufficient_scope", scope="{needed}"'
                    )
                },
            )
        actions.note_use(row, client_address(request), now)
        request.user = row.user
        return row


def signed_in_to(area: scopes.Area, *, stores_nothing: bool = False) -> list[Any]:
    """The authentication of one area's endpoints: a token for the area, else a staff session."""
    return [TokenAuth(area, stores_nothing=stores_nothing), StaffSession()]
