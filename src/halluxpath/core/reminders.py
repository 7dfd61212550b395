"""Which reminders a patient's plan calls for, and when (DOMAIN §11, §12, §14).

Three kinds:

- ``appointment``: each follow-up visit of the plan, 7 days and 1 day before.
- ``check_in``: each check-in day of core.cadence (DOMAIN §12) that has no
  check-in yet.
- ``questionnaire``: each time point of the site's questionnaire schedule
  (core.schedule, DOMAIN §14) not yet completed: when its window opens, then
  7 and 14 days later (the caller passes only the windows still waiting).

Every reminder has a deduplication key built from what it is about (episode,
visit, day), so scheduling the same plan twice yields the same keys and the
outbox keeps one message per key. A visit that moves gets new keys; the old
reminders are then no longer wanted and are cancelled by the caller.

Messages say as little as a reminder needs: no diagnosis, no operation, no
results, because a text message or e-mail may be read by someone else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from halluxpath.core import cadence
from halluxpath.core.pathway import Plan, shifted
from halluxpath.core.schedule import Window

KINDS = ("appointment", "check_in", "questionnaire")  # each key starts "<kind>:"
APPOINTMENT_LEAD_DAYS = (7, 1)
# How a message names a time point ("your 6-month foot questionnaire").
TIME_POINT_WORDS = {
    "baseline": "pre-operation",
    "6w": "6-week",
    "6m": "6-month",
    "12m": "12-month",
    "24m": "24-month",
}


def questionnaire_key(episode_id: int, time_point: str, after_days: int = 0) -> str:
    """The dedup key of a questionnaire message: at opening, or ``after_days`` later.

    The opening key is the one queued before site schedules existed
    (``questionnaire:<episode>:6m``), so an upgrade does not send it twice.
    """
    base = f"questionnaire:{episode_id}:{time_point}"
    return base if after_days == 0 else f"{base}:+{after_days}d"


@dataclass(frozen=True)
class Reminder:
    key: str
    kind: str  # appointment, check_in, questionnaire
    send_at: dt.datetime  # timezone-aware, in the clinic's zone
    subject: str
    text: str
    source: str


@dataclass(frozen=True)
class Clinic:
    name: str
    zone: dt.tzinfo
    send_hour: int = 10  # local hour at which reminders go out
    portal_url: str = ""  # the patient's Today page
    check_in_url: str = ""
    phone_in_hours: str = ""  # the site's numbers (sites.Site); empty when not set
    phone_out_of_hours: str = ""

    def call_us(self) -> str:
        """How the patient reaches the clinic, in a sentence's words: never a blank number."""
        if self.phone_in_hours and self.phone_out_of_hours:
            return (
                f"call the clinic on {self.phone_in_hours} (out of hours {self.phone_out_of_hours})"
            )
        if self.phone_in_hours or self.phone_out_of_hours:
            return f"call the clinic on {self.phone_in_hours or self.phone_out_of_hours}"
        return "contact the clinic"


def _at(day: dt.date, clinic: Clinic) -> dt.datetime:
    """The send moment of ``day``; the window (real days) keeps it inside the calendar."""
    return dt.datetime.combine(day, dt.time(clinic.send_hour), tzinfo=clinic.zone)


def _when(day: dt.date, time: dt.time | None) -> str:
    text = f"{day:%A} {day.day} {day:%B}"
    return f"{text} at {time:%H:%M}" if time else text


def reminders_for(
    plan: Plan,
    *,
    episode_id: int,
    given_name: str,
    clinic: Clinic,
    window: tuple[dt.date, dt.date],
    check_ins_wanted: bool,
    checked_in_days: Iterable[dt.date] = (),
    red_flag_days: Iterable[dt.date] = (),
    questionnaires: Iterable[Window] = (),
) -> list[Reminder]:
    """The reminders whose send day falls in ``window`` (first and last day included).

    ``check_ins_wanted`` is False for a patient without a portal account: a
    prompt to check in would send them somewhere they cannot go.
    ``questionnaires`` are the windows of the time points still to complete.
    """
    first, last = window
    done = set(checked_in_days)
    hello = f"Hello {given_name},"
    sign = f"— {clinic.name}"
    found: list[Reminder] = []
    for item in plan.items:
        if item.category != "follow_up":
            continue
        for lead in APPOINTMENT_LEAD_DAYS:
            day = shifted(item.starts_on, -lead)  # None before 1 AD (a stored bad date)
            if day is None or not first <= day <= last:
                continue
            place = f" ({item.place})" if item.place else ""
            time_key = f"{item.time:%H%M}" if item.time else "day"
            found.append(
                Reminder(
                    key=f"appointment:{episode_id}:{item.key}:{item.starts_on}:{time_key}:-{lead}d",
                    kind="appointment",
                    send_at=_at(day, clinic),
                    subject=f"Foot clinic appointment on {_when(item.starts_on, item.time)}",
                    text=(
                        f"{hello} a reminder of your foot clinic appointment on "
                        f"{_when(item.starts_on, item.time)}{place}. "
                        + ("" if item.time else "The clinic will confirm the time. ")
                        + f"If you cannot come, please {clinic.call_us()}. {sign}"
                    ),
                    source="DOMAIN §11.1 (follow-up visits)",
                )
            )
    if check_ins_wanted:
        for day in cadence.check_in_days(plan.operated_on, first, last, red_flag_days):
            if day in done:
                continue
            found.append(
                Reminder(
                    key=f"check_in:{episode_id}:{day}",
                    kind="check_in",
                    send_at=_at(day, clinic),
                    subject="How is your foot today?",
                    text=(
                        f"{hello} please tell us how your foot is today: {clinic.check_in_url} "
                        "If you have chest pain or sudden breathlessness, call 999 now. "
                        f"{sign}"
                    ),
                    source=cadence.SOURCE,
                )
            )
    for due in questionnaires:
        words = TIME_POINT_WORDS.get(due.time_point, due.time_point)
        for day in due.chase_days():
            if not first <= day <= last:
                continue
            after = (day - due.opens_on).days
            found.append(
                Reminder(
                    key=questionnaire_key(episode_id, due.time_point, after),
                    kind="questionnaire",
                    send_at=_at(day, clinic),
                    subject=f"Your {words} foot questionnaire",
                    text=(
                        f"{hello} your {words} questionnaire about your foot is ready: "
                        f"{clinic.portal_url} {sign}"
                        if after == 0
                        else f"{hello} a reminder: your {words} questionnaire about your foot "
                        f"is still waiting for you, and it is open until "
                        f"{_when(due.closes_on, None)}: {clinic.portal_url} {sign}"
                    ),
                    source="DOMAIN §14 (questionnaire schedule; chased at 0, 7 and 14 days)",
                )
            )
    return sorted(found, key=lambda r: (r.send_at, r.key))
