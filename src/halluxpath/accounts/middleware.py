"""End sessions after a period without activity.

Staff often share clinic computers, so a staff session ends after
``STAFF_SESSION_IDLE_SECONDS`` (15 minutes by default) without a request;
patients use their own devices and get ``PATIENT_SESSION_IDLE_SECONDS``.
Each request pushes the expiry forward (a sliding window).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from halluxpath.accounts import permissions
from halluxpath.accounts.models import User


class IdleSessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            idle_seconds = (
                settings.PATIENT_SESSION_IDLE_SECONDS
                if isinstance(user, User) and permissions.is_patient(user)
                else settings.STAFF_SESSION_IDLE_SECONDS
            )
            request.session.set_expiry(idle_seconds)
        return self.get_response(request)
