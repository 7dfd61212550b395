"""One audit event per page view, listing every record the page showed.

A page calls an access helper for each record it hands out (the patient, the
episode, the film, the plan), and each helper records a ``view``. Written one
by one that was up to six events for one page. Inside a web request they are
gathered instead, by ``PageViewAuditMiddleware``, and written as one event
once the view has returned, also when it raised after showing something:
what was shown was seen. If that write fails, the page fails with it, as
before: no record is shown without its audit event.

The event's detail lists the records in the order shown, duplicates
collapsed: ``{"records": [{"type": ..., "id": ..., "patient_id": ...,
"detail": {...}}, ...]}``. Its object type, id and patient are those of the
*last* record shown: pages look up the patient or episode first, to check
access, and then name what they hand out (the wound photo, the plan PDF), so
the last record is the one the page is about. When the records belong to
several patients, ``"patients"`` maps each patient's id to the number of
their records shown, so that the audit page's patient filter finds the view
under every patient it showed (a JSON key lookup both databases support).

Refusals, changes, exports and sign-ins are not gathered: ``audit.record``
writes them at once, in the caller's transaction. Outside a request
(commands, workers) there is no page and every view is written at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone

from halluxpath.audit.chain import append, as_stored
from halluxpath.audit.context import Actor
from halluxpath.core.hashchain import canonical_json

_page: ContextVar[PageView | None] = ContextVar("halluxpath_audit_page", default=None)


@dataclass
class _Seen:
    actor: Actor
    first_at: datetime
    records: dict[str, dict[str, Any]] = field(default_factory=dict)  # key → entry, as shown


class PageView:
    """The records one request has shown so far, by who was shown them."""

    def __init__(self) -> None:
        # Normally one actor per request; signing in or out midway makes two.
        self._seen: dict[tuple[int | None, str | None], _Seen] = {}

    def shown(
        self,
        actor: Actor,
        *,
        object_type: str,
        object_id: object,
        patient_id: int | None,
        detail: dict[str, Any],
    ) -> None:
        user_pk = actor.user.pk if actor.user is not None else None
        seen = self._seen.setdefault((user_pk, actor.client_address), _Seen(actor, timezone.now()))
        entry: dict[str, Any] = {
            "type": object_type,
            "id": str(object_id) if object_id not in (None, "") else "",
            "patient_id": patient_id,
        }
        if detail:
            entry["detail"] = detail
        entry = as_stored(entry)
        seen.records.setdefault(canonical_json(entry), entry)

    def write(self) -> None:
        for seen in self._seen.values():
            records = list(seen.records.values())
            main = records[-1]
            detail: dict[str, Any] = {"records": records}
            patients = Counter(str(r["patient_id"]) for r in records if r["patient_id"] is not None)
            if len(patients) > 1:
                detail["patients"] = dict(patients)
            append(
                seen.actor,
                "view",
                object_type=main["type"],
                object_id=main["id"],
                patient_id=main["patient_id"],
                outcome="success",
                detail=detail,
                occurred_at=seen.first_at,
            )
        self._seen.clear()


def showing_patient(patient_id: int) -> Q:
    """Events about the patient, page views that showed records of several included."""
    return Q(patient_id=patient_id) | Q(detail__patients__has_key=str(patient_id))


def current_page() -> PageView | None:
    """The page view of the request being handled, if any."""
    return _page.get()


@contextmanager
def one_event_per_page() -> Iterator[PageView]:
    """Gather views made inside the block into one event, written when it ends."""
    page = PageView()
    token = _page.set(page)
    try:
        yield page
    finally:
        _page.reset(token)
        page.write()


class PageViewAuditMiddleware:
    """Writes each request's views as one event (placed after AuthenticationMiddleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        with one_event_per_page():
            return self.get_response(request)
