"""The API object, version 1, mounted at /api/v1/ by site.urls."""

from __future__ import annotations

from csp.decorators import csp_update
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from halluxpath.api.auth import StaffSession
from halluxpath.api.measurements import router as measurements
from halluxpath.api.patients import router as patients
from halluxpath.api.radiographs import router as radiographs
from halluxpath.api.surgery import router as surgery
from halluxpath.records import EditConflict

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


# The same answer for the same refusal on every endpoint: an endpoint only
# parses, calls the action and presents; what the action refuses lands here.
@api.exception_handler(EditConflict)
def _conflict(request: HttpRequest, conflict: EditConflict) -> HttpResponse:
    return api.create_response(request, {"detail": str(conflict)}, status=409)


@api.exception_handler(ValidationError)
def _refused(request: HttpRequest, error: ValidationError) -> HttpResponse:
    if hasattr(error, "error_dict"):
        detail = "; ".join(f"{field}: {' '.join(m)}" for field, m in error.message_dict.items())
    else:
        detail = " ".join(error.messages)
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, refusal: PermissionDenied) -> HttpResponse:
    return api.create_response(
        request, {"detail": str(refusal) or "Your role may not do this."}, status=403
    )
