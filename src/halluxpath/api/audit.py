"""One audit event for every API call, beside the page-view event of the records it showed.

A page view is audited by the records it hands out (audit.pageviews); an API
call is too, through the same access helpers, and here it is also recorded
itself, whatever it answered: an ``api_call`` event naming the method, the
path (ids only, no query), the status, how the caller signed in and, for a
token, which one (its public prefix; the event's object is the token). A
token refused as unknown, expired or revoked is recorded the same way, so
the audit log shows who tried what with which token.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from halluxpath.api.auth import presented_token
from halluxpath.audit import record
from halluxpath.audit.context import Actor

NAMESPACE = "api-v1"
NOT_AUDITED = frozenset({"openapi-json", "openapi-view"})  # the API's own documentation


def _outcome(status: int) -> str:
    if status < 400:
        return "success"
    if status in (401, 403, 404):
        return "denied"
    if status in (409, 412):
        return "conflict"
    return "failed"


def record_call(request: HttpRequest, response: HttpResponseBase) -> None:
    token = presented_token(request)
    actor = Actor.from_request(request)
    presented = request.headers.get("Authorization", "").lower().startswith("bearer ")
    signed_in = "token" if presented else ("session" if actor.user is not None else "none")
    detail: dict[str, object] = {
        "method": request.method or "",
        "path": request.path,
        "status": response.status_code,
        "signed_in_with": signed_in,
    }
    if token is not None:
        detail["token"] = token.shown_prefix
    record(
        actor,
        "api_call",
        object_type="api_token" if token is not None else "",
        object_id=token.pk if token is not None else "",
        outcome=_outcome(response.status_code),
        detail=detail,
    )


class ApiCallAuditMiddleware:
    """Records each call to /api/v1/ once it has been answered (after AuthenticationMiddleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        match = request.resolver_match
        if match is not None and match.namespace == NAMESPACE and match.url_name not in NOT_AUDITED:
            record_call(request, response)
        return response
