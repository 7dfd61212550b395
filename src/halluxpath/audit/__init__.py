"""The audit log: every create, change and view of a patient's record.

``record(actor, action, ...)`` appends one event: a plain INSERT, with no lock
shared between requests (core.hashchain explains how tamper evidence is kept
instead, by the sealer). Call it inside the same transaction as the change it
describes, so that a change that rolls back leaves no claim behind and one
that commits is never unrecorded.

A successful ``view`` inside a web request is not written at once: it joins
the request's page view (audit.pageviews), written as one event listing every
record the page showed once the view has returned. ``record`` then returns
None; everything else returns the event written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from halluxpath.audit.context import Actor
    from halluxpath.audit.models import AuditEvent


def record(
    actor: Actor,
    action: str,
    *,
    object_type: str = "",
    object_id: object = "",
    patient_id: int | None = None,
    outcome: str = "success",
    detail: dict[str, Any] | None = None,
) -> AuditEvent | None:
    from halluxpath.audit.chain import append
    from halluxpath.audit.pageviews import current_page

    page = current_page() if action == "view" and outcome == "success" else None
    if page is not None:
        page.shown(
            actor,
            object_type=object_type,
            object_id=object_id,
            patient_id=patient_id,
            detail=detail or {},
        )
        return None
    return append(
        actor,
        action,
        object_type=object_type,
        object_id=object_id,
        patient_id=patient_id,
        outcome=outcome,
        detail=detail or {},
    )
