"""No copy of a page or file with patient data is kept by a browser or proxy.

Every response Django itself produces (pages, PDFs, films, calendar files,
API answers) carries ``Cache-Control: private, no-store``: a shared computer
in a clinic, a proxy or the browser's back-forward cache must not keep what
a person saw after they sign out (issue 12 item 15; OWASP ASVS 8.2.1).
Static files (CSS, scripts, fonts) are served by WhiteNoise before this
middleware runs and keep their long cache lifetimes.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control

NO_STORE = "private, no-store"


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        # Replace whatever a view set (a film's max-age included): nothing
        # Django serves here is safe to store.
        if "Cache-Control" in response:
            del response["Cache-Control"]
        patch_cache_control(response, private=True, no_store=True)
        return response
