"""Each request runs in the signed-in user's site time zone."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone


class SiteTimeZoneMiddleware:
    """Activate the site's zone so dates and times on pages are the site's local ones.

    Requests without a signed-in user (sign-in page, invitation links) use the
    default zone (settings.TIME_ZONE, the zone of the first site).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        site = getattr(user, "site", None) if user is not None and user.is_authenticated else None
        if site is not None:
            timezone.activate(site.zone)
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
