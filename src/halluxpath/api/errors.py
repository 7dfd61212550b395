"""One answer for each refusal, on every endpoint.

An endpoint only parses, calls the action and presents its result; what the
action refuses is turned into the same JSON body everywhere,
``{"detail": "..."}``: ``409`` for an edit that did not start from the
current version (``records.EditConflict``), ``422`` for a refusal naming the
field (Django's ``ValidationError``, as the forms show it), ``403`` for a role
that may not do it. A record the user may not see is ninja's ``404``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from halluxpath.records import EditConflict


def refusal_detail(error: ValidationError) -> str:
    """A refusal in one line, each field's messages after its name."""
    if hasattr(error, "error_dict"):
        return "; ".join(f"{field}: {' '.join(m)}" for field, m in error.message_dict.items())
    return " ".join(error.messages)


def answer_refusals(api: NinjaAPI) -> None:
    """Register the three refusal handlers on ``api``."""

    @api.exception_handler(EditConflict)
    def conflict(request: HttpRequest, error: EditConflict) -> HttpResponse:
        return api.create_response(request, {"detail": str(error)}, status=409)

    @api.exception_handler(ValidationError)
    def refused(request: HttpRequest, error: ValidationError) -> HttpResponse:
        return api.create_response(request, {"detail": refusal_detail(error)}, status=422)

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
        detail = str(error) or "Your role may not do this."
        return api.create_response(request, {"detail": detail}, status=403)
