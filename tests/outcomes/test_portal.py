"""The portal flow: one question per screen, resume where the patient stopped, send once."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from halluxpath.accounts.models import Role
from halluxpath.outcomes.models import QuestionnaireResponse
from halluxpath.patients.models import Episode
from tests.conftest import Clinic
from tests.outcomes.conftest import operated, site_today


def patient_client(clinic: Clinic) -> Client:
    client = Client()
    client.force_login(clinic.user(Role.PATIENT))
    return client


def url(name: str, episode: Episode, *extra: object, instrument: str = "moxfq") -> str:
    return reverse(f"outcomes:{name}", args=[episode.pk, "6m", instrument, *extra])


def test_a_patient_stops_half_way_resumes_and_sends(clinic: Clinic, episode: Episode) -> None:
    client = patient_client(clinic)
    today = client.get(reverse("aftercare:today")).content.decode()
    assert "ready for you" in today
    assert url("start", episode) in today
    assert client.get(url("start", episode))["Location"] == url("item", episode, 1)
    page = client.get(url("item", episode, 1))
    assert "1 of 16" in page.content.decode()
    assert "Invented question 1" in page.content.decode()
    for n in range(1, 9):
        moved = client.post(url("item", episode, n), {"value": "3", "move": "next"})
        assert moved["Location"] == url("item", episode, n + 1)
    # Stops; comes back later: opens at question 9.
    assert client.get(url("start", episode))["Location"] == url("item", episode, 9)
    back = client.post(url("item", episode, 9), {"move": "back"})
    assert back["Location"] == url("item", episode, 8)
    assert QuestionnaireResponse.objects.get().answer_values.get("q09", "unreached") == "unreached"
    assert 'value="3"' in client.get(url("item", episode, 8)).content.decode()
    for n in range(9, 17):
        client.post(url("item", episode, n), {"value": "1", "move": "next"})
    send = client.get(url("send", episode)).content.decode()
    assert "You answered 16 of 16" in send
    assert client.post(url("send", episode))["Location"] == url("thanks", episode)
    thanks = client.get(url("thanks", episode)).content.decode()
    assert "Thank you" in thanks
    assert "What happens next" in thanks
    response = QuestionnaireResponse.objects.get()
    assert response.is_completed
    again = client.post(url("send", episode))
    assert again.status_code == 400
    assert "cannot be sent twice" in again.content.decode()
    assert client.get(url("item", episode, 1)).status_code == 404  # no longer open


def test_an_answer_out_of_range_is_shown_on_the_question(clinic: Clinic, episode: Episode) -> None:
    client = patient_client(clinic)
    refused = client.post(url("item", episode, 1, instrument="eq5d5l"), {"value": "7"})
    assert refused.status_code == 200
    assert "Select a valid choice" in refused.content.decode()
    vas = client.post(url("item", episode, 6, instrument="eq5d5l"), {"value": "101"})
    assert "less than or equal to 100" in vas.content.decode()
    assert not QuestionnaireResponse.objects.exists()


def test_a_single_item_questionnaire_is_one_short_page(clinic: Clinic, episode: Episode) -> None:
    client = patient_client(clinic)
    page = client.get(url("item", episode, 1, instrument="nrs_pain")).content.decode()
    assert "1 of 1" in page
    assert "check and send" in page
    sent = client.post(url("item", episode, 1, instrument="nrs_pain"), {"value": "4"})
    assert sent["Location"] == url("send", episode, instrument="nrs_pain")


def test_a_time_point_outside_its_window_is_not_open(clinic: Clinic, episode: Episode) -> None:
    operated(episode, 120)
    client = patient_client(clinic)
    assert client.get(url("start", episode)).status_code == 404
    assert client.post(url("item", episode, 1), {"value": "1"}).status_code == 404
    listing = client.get(reverse("outcomes:list")).content.decode()
    assert "ready from" in listing


def test_another_patients_questionnaire_is_not_found(clinic: Clinic, episode: Episode) -> None:
    other = operated(clinic.patient_b.episodes.get(), 182)
    client = patient_client(clinic)
    assert client.get(url("start", other)).status_code == 404
    assert client.get(url("start", episode)).status_code == 302
    staff = Client()
    staff.force_login(clinic.user(Role.NURSE))
    assert staff.get(url("start", episode)).status_code == 403


def test_the_episode_page_shows_questionnaires_scores_and_paper_entry(
    clinic: Clinic, episode: Episode
) -> None:
    client = patient_client(clinic)
    for n in range(1, 15):
        client.post(url("item", episode, n), {"value": "2", "move": "next"})
    client.post(url("send", episode))
    staff = Client()
    staff.force_login(clinic.user(Role.NURSE))
    page = staff.get(reverse("patients:episode", args=[episode.pk])).content.decode()
    assert "Questionnaires" in page
    assert "Walking/standing: 50" in page
    assert 'Social interaction: <span class="not-scorable">not scorable' in page
    paper = reverse("outcomes:paper", args=[episode.pk, "6m", "nrs_pain"])
    assert paper in page
    form = staff.get(paper)
    assert form.status_code == 200
    done = staff.post(paper, {"completed_on": "2001-01-01", "item_pain": "5"})
    assert "before this time point opened" in done.content.decode()
    saved = staff.post(paper, {"completed_on": site_today(episode).isoformat(), "item_pain": "5"})
    assert saved.status_code == 302
    page = staff.get(reverse("patients:episode", args=[episode.pk])).content.decode()
    assert "(paper, entered by" in page
    physio = Client()
    physio.force_login(clinic.user(Role.PHYSIOTHERAPIST))
    assert physio.get(paper).status_code == 403
