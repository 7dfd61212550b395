"""Chasing: a message at opening, after 7 and 14 days, then the to-call list (issue 13)."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from halluxpath.accounts.models import Role
from halluxpath.audit.context import Actor
from halluxpath.core.schedule import DEFAULT
from halluxpath.outcomes.actions import complete_response, note_call, save_answer
from halluxpath.outcomes.chasing import completion, to_call
from halluxpath.outcomes.schemas import AnswerInput, CallNote, QuestionnaireKey
from halluxpath.patients.models import Episode
from halluxpath.reminders.models import OutboxMessage, Status
from halluxpath.reminders.schedule import schedule
from tests.conftest import Clinic
from tests.outcomes.conftest import operated, site_today


def at(day: dt.date, hour: int = 8) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def questionnaire_keys(status: str = Status.PENDING) -> set[str]:
    return set(
        OutboxMessage.objects.filter(status=status, kind="questionnaire").values_list(
            "dedup_key", flat=True
        )
    )


def send(clinic: Clinic, episode: Episode, instrument: str, item: str, value: int) -> None:
    """The patient answers one item of a 6-month questionnaire and sends it."""
    patient = Actor(clinic.user(Role.PATIENT))
    save_answer(
        patient,
        AnswerInput(
            episode_id=episode.pk, instrument=instrument, time_point="6m", item=item, value=value
        ),
    )
    complete_response(
        patient, QuestionnaireKey(episode_id=episode.pk, instrument=instrument, time_point="6m")
    )


def answer_all_of_6m(clinic: Clinic, episode: Episode) -> None:
    point = DEFAULT.time_point("6m")
    assert point is not None
    first_items = {
        "moxfq": "q01",
        "eq5d5l": "mobility",
        "nrs_pain": "pain",
        "satisfaction": "satisfaction",
        "return_to_activity": "usual",
    }
    for instrument in point.instruments:
        send(clinic, episode, instrument, first_items[instrument], 1)


def test_messages_at_opening_then_7_and_14_days_then_cancelled_on_completion(
    clinic: Clinic, episode: Episode
) -> None:
    operated(episode, 151)  # the 6-month window opens tomorrow
    today = site_today(episode)
    e = episode.pk
    schedule(at(today))
    assert questionnaire_keys() == {f"questionnaire:{e}:6m", f"questionnaire:{e}:6m:+7d"}
    opening = OutboxMessage.objects.get(dedup_key=f"questionnaire:{e}:6m")
    assert opening.due_at.date() == today + dt.timedelta(days=1)
    assert "6-month" in opening.subject
    assert "/me/today/" in opening.body
    assert schedule(at(today)).created == 0  # exactly once
    schedule(at(today + dt.timedelta(days=8)))
    assert f"questionnaire:{e}:6m:+14d" in questionnaire_keys()
    operated(episode, 182)  # the window is open: the patient answers everything
    answer_all_of_6m(clinic, episode)
    assert questionnaire_keys() == set()  # what was still waiting is cancelled
    assert f"questionnaire:{e}:6m:+14d" in questionnaire_keys(Status.CANCELLED)
    schedule(at(site_today(episode)))
    assert not {k for k in questionnaire_keys() if ":6m" in k}  # not revived


def test_one_questionnaire_completed_of_several_keeps_the_chasing(
    clinic: Clinic, episode: Episode
) -> None:
    operated(episode, 151)
    schedule(at(site_today(episode)))
    operated(episode, 155)
    send(clinic, episode, "nrs_pain", "pain", 2)
    assert f"questionnaire:{episode.pk}:6m:+7d" in questionnaire_keys()


def test_the_to_call_list_after_21_days_until_the_window_closes(
    clinic: Clinic, episode: Episode
) -> None:
    nurse = Actor(clinic.user(Role.NURSE))
    opens = site_today(episode) - dt.timedelta(days=30)  # 182 days: opened on day 152
    assert [r.window.time_point for r in to_call(nurse, opens + dt.timedelta(days=20))] == []
    rows = to_call(nurse, opens + dt.timedelta(days=21))
    assert [(r.episode, r.window.time_point) for r in rows] == [(episode, "6m")]
    assert rows[0].reachable
    assert to_call(nurse, opens + dt.timedelta(days=61)) == []  # closed: missed
    note_call(nurse, CallNote(episode_id=episode.pk, time_point="6m", note="No answer"))
    assert to_call(nurse, site_today(episode)) == []  # called: off the list for a week
    assert len(to_call(nurse, site_today(episode) + dt.timedelta(days=7))) == 1
    answer_all_of_6m(clinic, episode)
    assert to_call(nurse, site_today(episode) + dt.timedelta(days=7)) == []


def test_a_patient_no_message_can_reach_is_on_the_list_from_the_opening(
    clinic: Clinic, episode: Episode
) -> None:
    patient = clinic.patient_b
    patient.phone = "01632 960000"
    patient.save()
    other = operated(patient.episodes.get(), 152)  # opened today; no portal account
    surgeon_b = Actor(clinic.surgeon_b)
    rows = to_call(surgeon_b, site_today(other))
    assert [(r.episode, r.reachable) for r in rows] == [(other, False)]
    nurse_rows = to_call(Actor(clinic.user(Role.NURSE)), site_today(other))
    assert other not in [r.episode for r in nurse_rows]  # not their team


def test_the_to_call_page_shows_the_preferred_contact_and_notes_a_call(
    clinic: Clinic, episode: Episode
) -> None:
    operated(episode, 175)  # opened 23 days ago
    client = Client()
    client.force_login(clinic.user(Role.NURSE))
    page = client.get(reverse("outcomes:to_call")).content.decode()
    assert "LOVELACE, Ada" in page
    assert "ada@example.org" in page
    assert "By e-mail if we have an address" in page
    noted = client.post(
        reverse("outcomes:note_call"),
        {"episode_id": episode.pk, "time_point": "6m", "note": "Will do it tonight"},
    )
    assert noted.status_code == 302
    assert "LOVELACE, Ada" not in client.get(reverse("outcomes:to_call")).content.decode()
    physio = Client()
    physio.force_login(clinic.user(Role.PHYSIOTHERAPIST))
    assert physio.post(
        reverse("outcomes:note_call"), {"episode_id": episode.pk, "time_point": "6m"}
    ).status_code in (302, 403)


def test_completion_per_time_point_is_completed_over_due(clinic: Clinic, episode: Episode) -> None:
    second = operated(clinic.patient_b.episodes.get(), 400)  # 6m and 12m opened
    admin = Actor(clinic.user(Role.ADMIN))
    send(clinic, episode, "nrs_pain", "pain", 2)
    rows = {(r.time_point, r.instrument): r for r in completion(admin, site_today(second))}
    pain_6m = rows[("6m", "nrs_pain")]
    assert (pain_6m.completed, pain_6m.due, pain_6m.percent) == (1, 2, 50.0)
    assert (rows[("12m", "nrs_pain")].completed, rows[("12m", "nrs_pain")].due) == (0, 1)
    assert rows[("24m", "moxfq")].percent is None
    client = Client()
    client.force_login(clinic.user(Role.ADMIN))
    page = client.get(reverse("outcomes:completion")).content.decode()
    assert "50.0 %" in page
