"""The API object, version 1, mounted at /api/v1/ by site.urls.

Each router is one area of the record, and an API token's scopes name these
areas (api.scopes): a token needs ``<area>:read`` or ``<area>:write`` for its
calls; a staff session may call everything its role allows. Every call is
limited per token (api.throttling), audited (api.audit), and refused, when
it is, with a problem body (api.errors).
"""

from __future__ import annotations

from csp.decorators import csp_update
from ninja import NinjaAPI

from halluxpath.api.auth import StaffSession, signed_in_to
from halluxpath.api.errors import answer_refusals
from halluxpath.api.measurements import router as measurements
from halluxpath.api.patients import router as patients
from halluxpath.api.radiographs import router as radiographs
from halluxpath.api.scopes import Area
from halluxpath.api.surgery import router as surgery
from halluxpath.api.throttling import TokenRateThrottle

api = NinjaAPI(
    title="HalluxPath API",
    version="1",
    description="The HalluxPath JSON API (docs/api.md). Send an API token as "
    "`Authorization: Bearer <token>`, or sign in first and use the session cookie and "
    "the CSRF token. Every refusal is an RFC 9457 problem body "
    "(`application/problem+json`).",
    auth=StaffSession(),
    throttle=TokenRateThrottle(),
    urls_namespace="api-v1",
    # Swagger UI styles itself inline; its page alone may do that.
    docs_decorator=csp_update({"style-src": ["'self'", "'unsafe-inline'"]}),
)
api.add_router(
    "/measurements",
    measurements,
    auth=signed_in_to(Area.MEASUREMENTS, stores_nothing=True),
)
api.add_router("/", surgery, auth=signed_in_to(Area.SURGERY))
api.add_router("/", radiographs, auth=signed_in_to(Area.RADIOGRAPHS))
api.add_router("/", patients, auth=signed_in_to(Area.PATIENTS))
api.add_router("/", "halluxpath.api.aftercare.router", auth=signed_in_to(Area.AFTERCARE))

answer_refusals(api)
