"""The open-alerts count beside "Triage" in the staff menu (issue 12 item 7).

Counted through the alerts' access helper (the alerts of the user's own
teams), in one query, on the staff pages only.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse

from halluxpath.accounts import permissions
from halluxpath.accounts.models import User
from halluxpath.aftercare.access import ALERTS
from halluxpath.audit.context import Actor


def open_alerts(request: HttpRequest) -> dict[str, object]:
    user = request.user
    if not isinstance(user, User) or not permissions.uses_staff_pages(user):
        return {}
    count = ALERTS.queryset(Actor.from_request(request)).filter(acknowledged_at__isnull=True)
    return {"open_alerts_count": count.count(), "open_alerts_url": reverse("aftercare:triage")}
