"""The care team's view of the outbox: failures to act on, and what is waiting."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from halluxpath.accounts import permissions
from halluxpath.accounts.decorators import signed_in_user, staff_required
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.reminders import actions
from halluxpath.reminders.access import REMINDERS
from halluxpath.reminders.models import Status

SHOWN = {
    Status.FAILED: "Failed after the last try",
    Status.PENDING: "Waiting",
    Status.SENT: "Sent",
    Status.CANCELLED: "No longer needed",
    Status.STOPPED: "Stopped by staff",
}


@staff_required
def outbox(request: HttpRequest) -> HttpResponse:
    actor = Actor.from_request(request)
    status = request.GET.get("status", Status.FAILED)
    if status not in SHOWN:
        status = Status.FAILED
    visible = REMINDERS.queryset(actor)
    counts = dict(visible.values_list("status").annotate(n=Count("pk")).order_by())
    rows = visible.filter(status=status).select_related("patient", "episode")
    rows = rows.order_by("-due_at" if status in (Status.SENT, Status.FAILED) else "due_at")
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    record(actor, "view", object_type="reminder_list", detail={"status": status})
    return render(
        request,
        "reminders/outbox.html",
        {
            "page": page,
            "status": status,
            "status_label": SHOWN[Status(status)],
            "tabs": [(key, label, counts.get(key, 0)) for key, label in SHOWN.items()],
            "editable": permissions.may_change_clinical_records(signed_in_user(request)),
            "query": QueryDict(mutable=True) | {"status": status},
            "due_next_day": visible.filter(
                status=Status.PENDING, due_at__lte=timezone.now() + dt.timedelta(days=1)
            ).count(),
        },
    )


@staff_required
@require_POST
def change(request: HttpRequest, pk: int) -> HttpResponse:
    actor = Actor.from_request(request)
    if request.POST.get("do") == "stop":
        actions.stop(actor, pk)
        messages.success(request, "The reminder will not be sent.")
    else:
        try:
            actions.retry(actor, pk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "The reminder will be tried again within a minute.")
    return redirect(reverse("reminders:outbox") + "?status=failed")
