"""Which reminders a plan calls for (core.reminders): keys, times, words."""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo

from halluxpath.core.pathway import MIS_SCREWS, Plan, build_plan
from halluxpath.core.reminders import Clinic, Reminder, reminders_for
from halluxpath.core.schedule import DEFAULT

LONDON = zoneinfo.ZoneInfo("Europe/London")
CLINIC = Clinic(
    "Test foot clinic",
    LONDON,
    10,
    "https://clinic.example.org/me/today/",
    "https://clinic.example.org/me/check-in/",
)
DAY0 = dt.date(2026, 3, 2)


def plan(operated_on: dt.date = DAY0) -> Plan:
    return build_plan(MIS_SCREWS, operated_on, side="left", fixation="screws")


def reminders(
    days: int,
    *,
    of: Plan | None = None,
    first: dt.date = DAY0,
    check_ins: bool = True,
    done: frozenset[dt.date] = frozenset(),
) -> list[Reminder]:
    """The reminders of the plan (default: operated on DAY0) from ``first`` for ``days`` days."""
    return reminders_for(
        of or plan(),
        episode_id=7,
        given_name="Ada",
        clinic=CLINIC,
        window=(first, first + dt.timedelta(days=days)),
        check_ins_wanted=check_ins,
        checked_in_days=done,
    )


def test_appointments_are_reminded_a_week_and_a_day_before() -> None:
    found = reminders(60, check_ins=False)
    two_weeks = [r for r in found if ":visit-2w:" in r.key]
    assert [r.send_at for r in two_weeks] == [
        dt.datetime(2026, 3, 9, 10, tzinfo=LONDON),
        dt.datetime(2026, 3, 15, 10, tzinfo=LONDON),
    ]
    assert "Monday 16 March" in two_weeks[0].text
    assert "The clinic will confirm the time" in two_weeks[0].text
    assert not [r for r in found if r.kind == "check_in"]


def test_keys_are_stable_and_a_moved_or_booked_visit_gets_new_ones() -> None:
    first = reminders(60)
    assert [r.key for r in first] == [r.key for r in reminders(60)]
    assert len({r.key for r in first}) == len(first)
    items = tuple(
        dataclasses.replace(i, time=dt.time(14, 30), place="Room 4") if i.key == "visit-2w" else i
        for i in plan().items
    )
    booked = reminders(60, of=dataclasses.replace(plan(), items=items))
    old = {r.key for r in first if ":visit-2w:" in r.key}
    new = {r.key for r in booked if ":visit-2w:" in r.key}
    assert old.isdisjoint(new)
    text = next(r.text for r in booked if ":visit-2w:" in r.key)
    assert "at 14:30 (Room 4)" in text
    assert "confirm the time" not in text


def test_check_in_prompts_follow_the_cadence_and_skip_days_already_done() -> None:
    found = reminders(20, done=frozenset({DAY0 + dt.timedelta(days=2)}))
    days = [(r.send_at.date() - DAY0).days for r in found if r.kind == "check_in"]
    assert days == [1, *range(3, 16), 18]
    prompt = next(r for r in found if r.kind == "check_in")
    assert CLINIC.check_in_url in prompt.text
    assert "999" in prompt.text


def test_questionnaires_when_the_window_opens_then_after_7_and_14_days() -> None:
    windows = [w for w in DEFAULT.windows(DAY0) if w.time_point in ("6m", "12m")]
    found = reminders_for(
        plan(),
        episode_id=7,
        given_name="Ada",
        clinic=CLINIC,
        window=(DAY0, DAY0 + dt.timedelta(days=400)),
        check_ins_wanted=False,
        questionnaires=windows,
    )
    questionnaires = {r.key: r.send_at.date() for r in found if r.kind == "questionnaire"}
    assert questionnaires == {
        "questionnaire:7:6m": DAY0 + dt.timedelta(days=152),
        "questionnaire:7:6m:+7d": DAY0 + dt.timedelta(days=159),
        "questionnaire:7:6m:+14d": DAY0 + dt.timedelta(days=166),
        "questionnaire:7:12m": DAY0 + dt.timedelta(days=335),
        "questionnaire:7:12m:+7d": DAY0 + dt.timedelta(days=342),
        "questionnaire:7:12m:+14d": DAY0 + dt.timedelta(days=349),
    }
    assert not [r for r in reminders(400, check_ins=False) if r.kind == "questionnaire"]


def test_local_send_hour_holds_across_the_clock_change() -> None:
    # 29 March 2026: clocks go forward in London; 10:00 local is 09:00 UTC after it.
    found = reminders(4, of=plan(dt.date(2026, 3, 20)), first=dt.date(2026, 3, 27))
    utc_hours = {r.send_at.date(): r.send_at.astimezone(dt.UTC).hour for r in found}
    assert utc_hours[dt.date(2026, 3, 28)] == 10
    assert utc_hours[dt.date(2026, 3, 30)] == 9


def test_messages_say_nothing_clinical() -> None:
    for reminder in reminders(400):
        words = (reminder.subject + reminder.text).lower()
        for clinical in ("bunion", "hallux", "osteotomy", "x-ray", "wound", "stitches", "left"):
            assert clinical not in words, (clinical, reminder.key)


def _stored(operated_on: dt.date, *starts: dt.date) -> Plan:
    """A plan as a stored row may hold it (older than the date checks): any dates at all."""
    from halluxpath.core.pathway import PlanItem

    items = tuple(
        PlanItem(f"visit-{i}", "follow_up", "Visit", "Come in.", day, None, "DOMAIN §11.1")
        for i, day in enumerate(starts)
    )
    return Plan("T", 1, operated_on, items)


def test_plans_at_the_ends_of_the_calendar_never_overflow() -> None:
    """Issue 12 item 11: an operation on 0001-01-01 killed the reminder worker."""
    today = dt.date(2026, 3, 2)
    for operated_on, starts in (
        (dt.date.min, (dt.date.min, dt.date.min + dt.timedelta(days=3))),
        (dt.date.max, (dt.date.max,)),
        (dt.date.min, (dt.date.max,)),
    ):
        for window in ((today, today + dt.timedelta(days=8)), (dt.date.min, dt.date.min)):
            reminders_for(
                _stored(operated_on, *starts),
                episode_id=1,
                given_name="Ada",
                clinic=CLINIC,
                window=window,
                check_ins_wanted=True,
                red_flag_days=(dt.date.max, dt.date.min),
            )
    near_end = reminders_for(
        _stored(dt.date.max - dt.timedelta(days=10), dt.date.max),
        episode_id=1,
        given_name="Ada",
        clinic=CLINIC,
        window=(dt.date.max - dt.timedelta(days=8), dt.date.max - dt.timedelta(days=1)),
        check_ins_wanted=True,
    )
    assert [r.kind for r in near_end].count("appointment") == 2


def test_the_appointment_reminder_gives_the_clinic_number_or_says_contact_the_clinic() -> None:
    with_phones = dataclasses.replace(
        CLINIC, phone_in_hours="01632 960123", phone_out_of_hours="01632 960999"
    )
    visit = _stored(DAY0, DAY0 + dt.timedelta(days=14))
    [numbered] = reminders_for(
        visit,
        episode_id=1,
        given_name="Ada",
        clinic=with_phones,
        window=(DAY0 + dt.timedelta(days=13), DAY0 + dt.timedelta(days=13)),
        check_ins_wanted=False,
    )
    assert "call the clinic on 01632 960123 (out of hours 01632 960999)" in numbered.text
    [plain] = reminders_for(
        visit,
        episode_id=1,
        given_name="Ada",
        clinic=CLINIC,
        window=(DAY0 + dt.timedelta(days=13), DAY0 + dt.timedelta(days=13)),
        check_ins_wanted=False,
    )
    assert "please contact the clinic." in plain.text
    assert " on ." not in plain.text
    assert "()" not in plain.text
