"""A site's questionnaire schedule (core.schedule; DOMAIN §14), set by its administrators."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from halluxpath.access import signed_in
from halluxpath.accounts import permissions
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.core.instruments import SHIPPED, SITE_LOADED
from halluxpath.core.schedule import ScheduleError, TimePoint, checked
from halluxpath.frontdoor import page_only
from halluxpath.outcomes import stored
from halluxpath.outcomes.models import QuestionnaireSchedule
from halluxpath.outcomes.questionnaires import stored_schedule
from halluxpath.outcomes.schemas import ScheduleInput
from halluxpath.records import check_version


@page_only("a site's schedule is its administrators' settings page; the API serves records")
def set_schedule(
    actor: Actor, data: ScheduleInput, expected_version: int | None
) -> QuestionnaireSchedule:
    """Keep the site's schedule; refused with the reason if it cannot be used.

    An instrument HalluxPath scores may be named before the site has loaded
    its file: it is asked once the file is loaded. ``expected_version`` is
    the version the page was opened at (None: the site had the default).
    """
    user = signed_in(actor)
    if not permissions.may_manage_site(user):
        raise PermissionDenied("Only the site's administrators change the schedule.")
    try:
        schedule = checked(
            [
                TimePoint(t.key, t.opens_days, t.closes_days, t.instruments)
                for t in data.time_points
            ],
            [*SHIPPED, *SITE_LOADED],
        )
    except ScheduleError as error:
        raise ValidationError(f"{error}.") from None
    before = stored_schedule(user.site_id).as_data()
    with transaction.atomic():
        row = QuestionnaireSchedule.objects.select_for_update().filter(site=user.site).first()
        check_version("questionnaire schedule", row.version if row else None, expected_version)
        content = stored.SCHEDULE.stamp({"time_points": schedule.as_data()})
        if row is None:
            row = QuestionnaireSchedule.objects.create(
                site=user.site, time_points=content, updated_by=user
            )
        else:
            row.time_points = content
            row.updated_by = user
            row.version += 1
            row.save()
        record(
            actor,
            "change",
            object_type="questionnaire_schedule",
            object_id=row.pk,
            detail={"before": before, "after": schedule.as_data(), "version": row.version},
        )
    return row
