"""What the clinic's lists show beside each episode: the operation date, the next due item
and, for a day's theatre list, the procedure planned and the risks to know.

The dates and items belong to the operative record, the surgical plan, the
assessment and the aftercare plan, which patients may not import
(tests/test_layers.py); they are read through those records' registered
access helpers (``halluxpath.access.registered``), so a list sees exactly
what its user may see. Every function here runs a fixed number of queries,
however many episodes the list holds (tests/patients/test_worklist.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import DateField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from halluxpath.access import registered
from halluxpath.audit.context import Actor
from halluxpath.core.journey import DueItem, next_due
from halluxpath.patients.models import Episode

RECURRENCE_DUE = "Recurrence proposed: confirm or reject"


def _visible(actor: Actor, object_type: str) -> QuerySet[Any]:
    return registered()[object_type].queryset(actor)


def with_operation_date(actor: Actor, episodes: QuerySet[Episode]) -> QuerySet[Episode]:
    """Annotate ``operation_on``: the operative record's date, else the aftercare plan's.

    The aftercare plan is issued with the date the operation is booked for
    (DOMAIN §11), so an episode not yet operated shows its planned date.
    """
    recorded = _visible(actor, "operative_record").filter(episode=OuterRef("pk"))
    booked = _visible(actor, "aftercare_plan").filter(episode=OuterRef("pk"))
    return episodes.annotate(
        operation_on=Coalesce(
            Subquery(recorded.values("operated_on")[:1], output_field=DateField()),
            Subquery(booked.values("operated_on")[:1], output_field=DateField()),
            output_field=DateField(),
        )
    )


def _item(raw: object) -> DueItem | None:
    if not isinstance(raw, dict):
        return None
    try:
        starts_on = dt.date.fromisoformat(str(raw.get("starts_on", "")))
    except ValueError:
        return None
    return DueItem(str(raw.get("title", "")), starts_on)


def next_due_items(
    actor: Actor, episodes: QuerySet[Episode] | Iterable[int], today: dt.date
) -> dict[int, DueItem]:
    """Each episode's next aftercare item due from ``today`` (one query for them all)."""
    plans = _visible(actor, "aftercare_plan").filter(episode__in=episodes)
    found: dict[int, DueItem] = {}
    for plan in plans:
        items = [i for i in (_item(raw) for raw in plan.item_list) if i is not None]
        due = next_due(items, today)
        if due is not None:
            found[plan.episode_id] = due
    # A proposed recurrence waits for the surgeon's decision: it is due now (issue 13 item 4).
    proposals = _visible(actor, "recurrence_proposal").filter(
        episode__in=episodes, status="proposed"
    )
    for episode_id in proposals.values_list("episode_id", flat=True):
        found[episode_id] = DueItem(RECURRENCE_DUE, today)
    return found


@dataclass(frozen=True)
class TheatreRow:
    """One patient on a day's theatre list."""

    episode: Episode
    procedure: str
    allergies: str
    anticoagulant: str
    risks: tuple[str, ...] = field(default_factory=tuple)
    assessed: bool = False


def _procedure(plan: Any) -> str:
    if plan is None:
        return ""
    text = str(plan.get_technique_display())
    return f"{text}, with Akin osteotomy" if plan.akin else text


def theatre_rows(actor: Actor, episodes: QuerySet[Episode], day: dt.date) -> list[TheatreRow]:
    """The episodes operated (or booked) on ``day``, in list order, with what theatre needs.

    Order: by responsible surgeon, then patient name, so each surgeon's list
    reads as one block.
    """
    on_day = list(
        with_operation_date(actor, episodes)
        .filter(Q(operation_on=day))
        .order_by(
            "responsible_surgeon__last_name",
            "responsible_surgeon__first_name",
            "patient__family_name",
            "patient__given_name",
            "pk",
        )
    )
    ids = [e.pk for e in on_day]
    plans = {p.episode_id: p for p in _visible(actor, "plan").filter(episode__in=ids)}
    assessments = {a.episode_id: a for a in _visible(actor, "assessment").filter(episode__in=ids)}
    rows = []
    for episode in on_day:
        assessment = assessments.get(episode.pk)
        risks: tuple[str, ...] = ()
        if assessment is not None:
            risks = tuple(str(f.get("message", "")) for f in assessment.risk_flags)
        rows.append(
            TheatreRow(
                episode=episode,
                procedure=_procedure(plans.get(episode.pk)),
                allergies=assessment.allergies if assessment is not None else "",
                anticoagulant=assessment.anticoagulant if assessment is not None else "",
                risks=risks,
                assessed=assessment is not None,
            )
        )
    return rows
