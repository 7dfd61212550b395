"""One error body on every endpoint: RFC 9457 problem details (docs/api.md, Errors).

Every refusal the API gives, whoever raises it, is answered with
``Content-Type: application/problem+json`` and the body

    {"type": "...", "title": "...", "status": 422, "detail": "...",
     "errors": [{"field": "...", "message": "..."}]}

``type`` identifies the kind of problem (a ``tag:`` URI, listed in
docs/api.md; ``about:blank`` when the status says it all), ``title`` is the
same for every problem of that type, ``detail`` says what happened this
time, in words a clinician understands, and ``errors`` (an extension member,
RFC 9457 §3.2) names each field that was refused. An endpoint only parses,
calls the action and presents its result; what goes wrong is raised and
turned into a problem here:

- ``records.EditConflict``: 409, the record changed since the version sent;
- Django's ``ValidationError`` (an action's refusal, as the forms show it)
  and pydantic's: 422, each field's messages in ``errors``;
- ninja's own validation of the path, query and body: 422, likewise;
- ``PermissionDenied``: 403; ``Http404``: 404, also for an address under
  ``/api/`` that does not exist (``not_found``);
- a body Django will not read (``DATA_UPLOAD_MAX_MEMORY_SIZE``, too many
  fields or files): 413;
- ninja's ``HttpError`` (401 without credentials, 400 for a body that is not
  JSON, 429 from the rate limit) and :class:`Problem` itself, which an
  endpoint raises for anything else (428 without ``If-Match``, ...).

No bad input is ever answered with a 500.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import pydantic
from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
    ValidationError,
)
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ConfigDict, Field

from halluxpath.records import EditConflict

PROBLEM_JSON = "application/problem+json"
_TYPE = "tag:halluxpath.org,2026:problem:"

# Each kind of problem: its type URI's last part and its title (RFC 9457 §3.1).
KINDS: dict[str, str] = {
    "bad-request": "The request could not be read",
    "not-signed-in": "Not signed in",
    "invalid-token": "The API token is not valid",
    "forbidden": "Not allowed",
    "insufficient-scope": "The API token's scopes do not allow this",
    "not-found": "No such record",
    "edit-conflict": "The record changed since you read it",
    "precondition-failed": "The record changed since the version in If-Match",
    "body-too-large": "The request body is too large",
    "refused": "The request was refused",
    "precondition-required": "Name the version you read in If-Match",
    "too-many-requests": "Too many requests",
}
# The kind each status has when nothing more specific is said.
BY_STATUS: dict[int, str] = {
    400: "bad-request",
    401: "not-signed-in",
    403: "forbidden",
    404: "not-found",
    409: "edit-conflict",
    412: "precondition-failed",
    413: "body-too-large",
    422: "refused",
    428: "precondition-required",
    429: "too-many-requests",
}


class FieldError(Schema):
    field: str = Field(description="The field refused: a form name, or a dotted path")
    message: str


class ProblemOut(Schema):
    """The body of every refusal (RFC 9457); further members may follow (e.g. ``warnings``)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="Identifies the kind of problem (docs/api.md, Errors)")
    title: str = Field(description="The same for every problem of this type")
    status: int
    detail: str = Field(description="What went wrong this time, in plain words")
    errors: list[FieldError] = Field(
        default_factory=list, description="Each field refused, with its message"
    )


def problem_responses(*statuses: int) -> dict[int, type[Schema]]:
    """The refusals an endpoint may answer, for its OpenAPI ``response=`` map."""
    return dict.fromkeys(statuses, ProblemOut)


class Problem(Exception):
    """A refusal an endpoint raises; answered as problem details by the API's handler."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        kind: str | None = None,
        errors: Iterable[tuple[str, str]] = (),
        headers: Mapping[str, str] | None = None,
        **extensions: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.kind = kind or BY_STATUS.get(status, "")
        self.errors = list(errors)
        self.headers = dict(headers or {})
        self.extensions = extensions

    def body(self) -> dict[str, Any]:
        title = KINDS.get(self.kind)
        body: dict[str, Any] = {
            "type": _TYPE + self.kind if title else "about:blank",
            "title": title or "Error",
            "status": self.status,
            "detail": self.detail,
            "errors": [{"field": f, "message": m} for f, m in self.errors],
        }
        body.update(self.extensions)
        return body

    def response(self) -> HttpResponse:
        response = HttpResponse(
            json.dumps(self.body(), cls=DjangoJSONEncoder),
            status=self.status,
            content_type=PROBLEM_JSON,
        )
        for name, value in self.headers.items():
            response[name] = value
        return response


def refusal_detail(error: ValidationError) -> str:
    """A refusal in one line, each field's messages after its name."""
    if hasattr(error, "error_dict"):
        return "; ".join(f"{field}: {' '.join(m)}" for field, m in error.message_dict.items())
    return " ".join(error.messages)


def refusal_errors(error: ValidationError) -> list[tuple[str, str]]:
    """Each message with the field it names ("" for the record as a whole)."""
    if hasattr(error, "error_dict"):
        return [
            ("" if field == "__all__" else field, message)
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return [("", message) for message in error.messages]


def _location(loc: Iterable[object]) -> str:
    return ".".join(str(part) for part in loc)


def schema_errors(errors: Iterable[Mapping[str, Any]]) -> list[tuple[str, str]]:
    """ninja's or pydantic's errors as (field, message): ``body.patient.date_of_birth``, ..."""
    return [(_location(e.get("loc", ())), str(e.get("msg", "invalid"))) for e in errors]


def _schema_detail(errors: list[tuple[str, str]]) -> str:
    shown = "; ".join(f"{field}: {message}" if field else message for field, message in errors[:5])
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    return f"The request does not match the schema: {shown}{more}."


UNAUTHENTICATED = (
    "Sign in (a staff session and its CSRF token), or send an API token as "
    "'Authorization: Bearer <token>'."
)
TOO_LARGE = "The request body is larger than the server accepts."


def problem_for(error: Exception) -> Problem | None:
    """The problem an exception stands for, or None for one that is a server fault."""
    if isinstance(error, Problem):
        return error
    if isinstance(error, EditConflict):
        return Problem(409, str(error))
    if isinstance(error, ValidationError):
        return Problem(422, refusal_detail(error), errors=refusal_errors(error))
    if isinstance(error, pydantic.ValidationError):
        found = schema_errors(error.errors(include_url=False, include_context=False))
        return Problem(422, _schema_detail(found), errors=found)
    if isinstance(error, NinjaValidationError):
        found = schema_errors(error.errors)
        return Problem(422, _schema_detail(found), errors=found)
    if isinstance(error, PermissionDenied):
        return Problem(403, str(error) or "Your role may not do this.")
    if isinstance(error, Http404):
        return Problem(404, "No such record.")
    if isinstance(error, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        return Problem(413, TOO_LARGE)
    if isinstance(error, Throttled):
        wait = f" Try again in {int(error.wait) + 1} s." if error.wait is not None else ""
        return Problem(429, f"Too many requests with this API token.{wait}")
    if isinstance(error, AuthenticationError):
        headers = {"WWW-Authenticate": 'Bearer realm="HalluxPath"'}
        return Problem(401, UNAUTHENTICATED, headers=headers)
    if isinstance(error, HttpError):
        return Problem(error.status_code, str(error))
    return None


def answer_refusals(api: NinjaAPI) -> None:
    """Answer every refusal on ``api`` as problem details; a server fault stays a 500."""

    def answer(request: HttpRequest, error: Exception | type[Exception]) -> HttpResponse:
        if not isinstance(error, Exception):  # ninja's signature allows a class; it passes one
            error = error()
        found = problem_for(error)
        if found is None:
            raise error
        return found.response()

    for kind in (
        Problem,
        EditConflict,
        ValidationError,
        pydantic.ValidationError,
        NinjaValidationError,
        PermissionDenied,
        Http404,
        RequestDataTooBig,
        TooManyFieldsSent,
        TooManyFilesSent,
        HttpError,
    ):
        api.add_exception_handler(kind, answer)


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any address under /api/ that no endpoint serves: a problem, not the HTML 404 page."""
    return Problem(404, "There is no such address in the API (docs/api.md).").response()
