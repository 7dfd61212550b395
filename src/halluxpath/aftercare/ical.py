"""The patient's visits as an iCalendar file (RFC 5545), and private feeds.

Events are the plan's follow-up visits. A visit staff have booked (a time
and place on the plan item) is a timed event in the clinic's zone lasting
``VISIT_LENGTH``; one not yet booked is an all-day event on the planned day.
Each has a stable UID so a calendar that re-reads the feed updates the event
instead of adding a copy. Renewing and stopping a private feed are
aftercare.actions.calendar.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.utils import timezone
from icalendar import Calendar, Event

from halluxpath.aftercare.models import AftercarePlan, CalendarFeed


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


VISIT_LENGTH = dt.timedelta(minutes=30)


def ics(plan: AftercarePlan) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//HalluxPath//aftercare//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Foot clinic visits")
    stamp = timezone.now()
    zone = plan.episode.patient.site.zone  # booked times are the clinic's local times
    for item in plan.item_list:
        if item["category"] != "follow_up":
            continue
        day = dt.date.fromisoformat(item["starts_on"])
        event = Event()
        event.add("uid", f"{plan.pk}-{item['key']}@halluxpath")
        event.add("dtstamp", stamp)
        event.add("summary", item["title"])
        # Rows stored before the date checks may be dated up to 9999-12-31: the
        # event then ends where the calendar does instead of overflowing.
        if item.get("time"):
            starts = dt.datetime.combine(day, dt.time.fromisoformat(item["time"]), tzinfo=zone)
            event.add("dtstart", starts)
            try:
                event.add("dtend", starts + VISIT_LENGTH)
            except OverflowError:
                event.add("duration", VISIT_LENGTH)
            event.add("description", item["instructions"])
        else:
            event.add("dtstart", day)
            if day < dt.date.max:
                event.add("dtend", day + dt.timedelta(days=1))
            event.add("description", item["instructions"] + " The clinic will confirm the time.")
        if item.get("place"):
            event.add("location", item["place"])
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def feed_plan(token: str) -> AftercarePlan | None:
    """The plan behind a live feed token, or None for an unknown or revoked one."""
    feed = CalendarFeed.objects.filter(
        token_hash=token_hash(token), revoked_at__isnull=True
    ).first()
    if feed is None:
        return None
    return (
        AftercarePlan.objects.filter(episode__patient=feed.patient_id)
        .order_by("-operated_on")
        .first()
    )
