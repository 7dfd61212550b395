"""The rate limit per API token, on ninja's throttling hook, counted in Django's cache.

``HALLUXPATH_API_TOKEN_RATE`` (e.g. ``600/minute``) requests per token per
window; one more is answered 429 with ``Retry-After`` (api.errors). The count
is a fixed window kept with the cache's atomic ``incr``, per token, so two
workers sharing a cache count together (the default local-memory cache
counts per process: docs/api.md). Session calls, from a person at a page,
are not limited. ninja's own ``SimpleRateThrottle`` keeps its state on the
throttle object, which every request of an operation shares, and rewrites a
list of times in the cache on each call (two requests at once lose one);
this counter has neither problem.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from halluxpath.api.models import ApiToken

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"600/minute"`` as (600, 60)."""
    count, _, period = rate.partition("/")
    try:
        limit, seconds = int(count), PERIODS[period.strip()]
    except (ValueError, KeyError):
        raise ImproperlyConfigured(
            f"HALLUXPATH_API_TOKEN_RATE must be like 600/minute, not {rate!r}"
        ) from None
    if limit < 1:
        raise ImproperlyConfigured("HALLUXPATH_API_TOKEN_RATE must allow at least one request")
    return limit, seconds


class TokenRateThrottle(BaseThrottle):
    def __init__(self) -> None:
        self._last = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        token = getattr(request, "auth", None)
        if not isinstance(token, ApiToken):
            return True
        limit, seconds = parse_rate(settings.HALLUXPATH_API_TOKEN_RATE)
        now = time.time()
        window = int(now // seconds)
        key = f"halluxpath:api-rate:{token.pk}:{seconds}:{window}"
        cache.add(key, 0, timeout=seconds + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, 1, timeout=seconds + 1)
            count = 1
        self._last.wait = (window + 1) * seconds - now
        return count <= limit

    def wait(self) -> float | None:
        wait: float | None = getattr(self._last, "wait", None)
        return wait
