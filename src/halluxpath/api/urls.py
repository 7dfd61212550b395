"""The API object, version 1, mounted at /api/v1/ by site.urls."""

from __future__ import annotations

from csp.decorators import csp_update
from ninja import NinjaAPI

from halluxpath.api.auth import StaffSession
from halluxpath.api.errors import answer_refusals
from halluxpath.api.measurements import router as measurements
from halluxpath.api.patients import router as patients
from halluxpath.api.radiographs import router as radiographs
from halluxpath.api.surgery import router as surgery

api = NinjaAPI(
    title="HalluxPath API",
    version="1",
    description="The HalluxPath JSON API. Sign in first; requests use the session cookie "
    "and the CSRF token.",
    auth=StaffSession(),
    urls_namespace="api-v1",
    # Swagger UI styles itself inline; its page alone may do that.
    docs_decorator=csp_update({"style-src": ["'self'", "'unsafe-inline'"]}),
)
api.add_router("/measurements", measurements)
api.add_router("/", surgery)
api.add_router("/", radiographs)
api.add_router("/", patients)
api.add_router("/", "halluxpath.api.aftercare.router")

answer_refusals(api)
