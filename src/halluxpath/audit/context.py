"""Who is acting, and from where: passed from the front door to every action."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from halluxpath.accounts.models import User


def client_address(request: HttpRequest | None) -> str | None:
    """The address the request came from, as the server saw it.

    REMOTE_ADDR only: a forwarded-for header is written by the client and
    cannot be trusted unless a known proxy sets it (docs/operations.md).
    """
    if request is None:
        return None
    raw = request.META.get("REMOTE_ADDR")
    if not raw:
        return None
    try:
        return str(ipaddress.ip_address(raw))
    except ValueError:
        return None


@dataclass(frozen=True)
class Actor:
    """The person (or the system, when ``user`` is None) behind an action."""

    user: User | None
    client_address: str | None = None

    @classmethod
    def from_request(cls, request: HttpRequest) -> Actor:
        from halluxpath.accounts.models import User

        user = request.user if isinstance(request.user, User) else None
        return cls(user=user, client_address=client_address(request))
