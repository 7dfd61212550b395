"""End sessions after a period without activity.

Staff often share clinic computers, so a staff session ends after
``STAFF_SESSION_IDLE_SECONDS`` (15 minutes by default) without a request;
patients use their own devices and get ``PATIENT_SESSION_IDLE_SECONDS``.
Each request pushes the expiry forward (a sliding window).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import user_has_device

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


# Pages a signed-in person reaches before their second factor is checked.
_OPEN_PATHS = ("/accounts/", "/static/", "/healthz")
SECOND_FACTOR_SETTLED = "halluxpath_second_factor_settled"


class SecondFactorMiddleware:
    """Staff who must use a second factor, or have one, verify it before any other page.

    Runs after django-otp's ``OTPMiddleware`` (which knows whether this
    session verified a device). Staff of a site that requires a second factor
    and have no device yet are sent to enrol; anyone with a device is asked
    for a code. A session that needs neither is remembered as settled, so the
    device look-up is made once per session.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self._redirect(request)
        return response if response is not None else self.get_response(request)

    def _redirect(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        if not isinstance(user, User) or not user.is_authenticated:
            return None
        if request.path.startswith(_OPEN_PATHS) or request.session.get(SECOND_FACTOR_SETTLED):
            return None
        if permissions.is_patient(user) or getattr(user, "is_verified", lambda: False)():
            return None
        has_device = user_has_device(user)
        if not has_device and not permissions.must_use_second_factor(user):
            request.session[SECOND_FACTOR_SETTLED] = True
            return None
        target = "people:second_factor" if has_device else "people:enrol"
        if request.path.startswith("/api/"):
            # the API's problem body (api.errors; accounts sits below api and cannot import it)
            return JsonResponse(
                {
                    "type": "tag:halluxpath.org,2026:problem:not-signed-in",
                    "title": "Not signed in",
                    "status": 401,
                    "detail": "Sign in with your second factor first.",
                    "errors": [],
                },
                status=401,
                content_type="application/problem+json",
            )
        next_url = request.get_full_path() if request.method == "GET" else ""
        query = f"?{urlencode({'next': next_url})}" if next_url else ""
        return redirect(reverse(target) + query)
