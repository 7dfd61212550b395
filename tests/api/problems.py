"""What every refusal of the API looks like (RFC 9457 problem details; api.errors)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

PROBLEM_JSON = "application/problem+json"


def problem(response: Response, status: int, *, says: str = "") -> dict[str, Any]:
    """The response's problem body, checked: its type, status, members and message."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    for member in ("type", "title", "detail"):
        assert isinstance(body[member], str)
        assert body[member]
    assert all(set(e) == {"field", "message"} for e in body["errors"])
    assert says in body["detail"], body["detail"]
    return body
