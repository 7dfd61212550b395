"""API authentication: the signed-in session of a staff member (CSRF-checked)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import SessionAuth

from halluxpath.accounts.models import STAFF_ROLES


class StaffSession(SessionAuth):
    """A session whose user has a staff role; patients and researchers are refused."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None:
            return None
        return user if getattr(user, "role", None) in STAFF_ROLES else None
