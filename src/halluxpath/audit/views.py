"""The audit log page for administrators: list and filter events."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from halluxpath.accounts.decorators import admin_required
from halluxpath.accounts.models import Role, User
from halluxpath.audit import record
from halluxpath.audit.access import AUDIT_EVENTS
from halluxpath.audit.context import Actor
from halluxpath.audit.forms import AuditFilterForm
from halluxpath.audit.models import AuditEvent
from halluxpath.audit.pageviews import showing_patient

PAGE_SIZE = 50
ROLE_LABELS = dict(Role.choices)


def _actors(events: list[AuditEvent]) -> dict[int, str]:
    """Each acting person's full name (the user name if they have none), in one query."""
    ids = {event.actor_id for event in events if event.actor_id is not None}
    return {
        user.pk: user.get_full_name() or user.username for user in User.objects.filter(pk__in=ids)
    }


def _start_of(day: date) -> datetime:
    """Midnight at the start of ``day`` in the clinic's time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


@admin_required
def events(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    events = AUDIT_EVENTS.queryset(Actor.from_request(request))
    if form.is_valid():
        data = form.cleaned_data
        if data["actor"]:
            events = events.filter(actor_username__iexact=data["actor"])
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["outcome"]:
            events = events.filter(outcome=data["outcome"])
        if data["patient"]:
            events = events.filter(showing_patient(data["patient"]))
        if data["since"]:
            events = events.filter(occurred_at__gte=_start_of(data["since"]))
        if data["until"]:
            events = events.filter(occurred_at__lt=_start_of(data["until"] + timedelta(days=1)))
    page = Paginator(events.order_by("-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    record(
        Actor.from_request(request),
        "view",
        object_type="audit_log",
        detail={
            k: str(v)
            for k, v in (form.cleaned_data if form.is_bound and form.is_valid() else {}).items()
            if v
        },
    )
    query = request.GET.copy()
    query.pop("page", None)
    names = _actors(list(page))
    rows = [
        (
            event,
            names.get(event.actor_id, event.actor_username) if event.actor_id else "",
            ROLE_LABELS.get(event.actor_role, event.actor_role),
        )
        for event in page
    ]
    return render(
        request, "audit/events.html", {"form": form, "page": page, "rows": rows, "query": query}
    )
