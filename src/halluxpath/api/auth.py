"""API authentication: the signed-in session of a staff member (CSRF-checked)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import SessionAuth

from halluxpath.accounts import permissions


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
