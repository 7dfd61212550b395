"""What every refusal of the API looks like (RFC 9457 problem details; api.errors)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse

PROBLEM_JSON = "application/problem+json"


def problem(response: HttpResponse, status: int, *, says: str = "") -> dict[str, Any]:
    """The response's problem body, checked: its type, status, members and message."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"] == PROBLEM_JSON
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert isinstance(body["type"], str) and body["type"]
    assert isinstance(body["title"], str) and body["title"]
    assert isinstance(body["detail"], str) and body["detail"]
    assert all(set(e) == {"field", "message"} for e in body["errors"])
    assert says in body["detail"], body["detail"]
    return body
