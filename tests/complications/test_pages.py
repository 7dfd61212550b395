"""The complications pages: the register, its history, the triage shortcut, the worklist item."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from halluxpath.accounts.models import Role
from halluxpath.aftercare.models import Alert, CheckIn
from halluxpath.complications.models import Complication, ComplicationAmendment, RecurrenceProposal
from tests.complications.conftest import OPERATED_ON, Operated
from tests.conftest import Clinic

ONSET = (OPERATED_ON + dt.timedelta(days=10)).isoformat()
POSTED = {
    "kind": "infection_superficial",
    "onset_on": ONSET,
    "grade_system": "clavien_dindo",
    "grade": "II",
    "treatment": "Oral antibiotics",
}


def signed_in(client: Client, operated: Operated, role: str = "surgeon") -> Client:
    user = {"surgeon": operated.surgeon, "nurse": operated.nurse, "physio": operated.physio}[role]
    client.force_login(user)
    return client


def test_the_episode_page_links_to_its_complications(operated: Operated, client: Client) -> None:
    page = signed_in(client, operated).get(reverse("patients:episode", args=[operated.episode.pk]))
    assert reverse("complications:episode", args=[operated.episode.pk]) in page.content.decode()


def test_the_form_explains_each_grade_in_words(operated: Operated, client: Client) -> None:
    page = signed_in(client, operated).get(
        reverse("complications:episode", args=[operated.episode.pk])
    )
    body = page.content.decode()
    assert "What each grade means" in body
    assert "intervention under general anaesthesia" in body  # CD IIIb
    assert "Treated as an outpatient" in body  # CDS II


def test_a_complication_recorded_on_the_page_is_listed(operated: Operated, client: Client) -> None:
    url = reverse("complications:episode", args=[operated.episode.pk])
    page = signed_in(client, operated).post(url, POSTED, follow=True)
    body = page.content.decode()
    assert "Complication recorded" in body
    assert "Infection, superficial (wound)" in body
    assert "Clavien-Dindo (Dindo 2004) II" in body
    assert Complication.objects.get().recorded_by == operated.surgeon


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"grade_system": "cds_modified", "grade": "IIIb"}, "is not a grade of"),
        ({"onset_on": (OPERATED_ON - dt.timedelta(days=3)).isoformat()}, "before the operation"),
        ({"onset_on": "2099-01-01"}, "future"),
    ],
)
def test_a_refused_complication_keeps_what_was_typed(
    operated: Operated, client: Client, change: dict[str, str], message: str
) -> None:
    url = reverse("complications:episode", args=[operated.episode.pk])
    page = signed_in(client, operated).post(url, {**POSTED, **change})
    body = page.content.decode()
    assert page.status_code == 200
    assert message in body
    assert "Oral antibiotics" in body
    assert not Complication.objects.exists()


def test_a_physiotherapist_reads_the_register_without_a_form(
    operated: Operated, client: Client
) -> None:
    page = signed_in(client, operated, "physio").get(
        reverse("complications:episode", args=[operated.episode.pk])
    )
    assert page.status_code == 200
    assert "Record a complication" not in page.content.decode()


def recorded(operated: Operated, client: Client) -> Complication:
    signed_in(client, operated).post(
        reverse("complications:episode", args=[operated.episode.pk]), POSTED
    )
    return Complication.objects.get()


def test_an_amendment_on_the_page_shows_in_the_history(operated: Operated, client: Client) -> None:
    complication = recorded(operated, client)
    data = {f"amend-{k}": v for k, v in POSTED.items()}
    data.update({"amend-grade": "I", "amend-version": "1", "amend-reason": "No antibiotics given"})
    page = client.post(reverse("complications:amend", args=[complication.pk]), data, follow=True)
    body = page.content.decode()
    assert "Amendment saved" in body
    assert "No antibiotics given" in body
    assert '<del class="wrap-anywhere">II</del>' in body
    assert ComplicationAmendment.objects.count() == 1


def test_a_stale_amendment_shows_the_conflict(operated: Operated, client: Client) -> None:
    complication = recorded(operated, client)
    data = {f"amend-{k}": v for k, v in POSTED.items()}
    data.update({"amend-grade": "I", "amend-version": "7", "amend-reason": "x"})
    page = client.post(reverse("complications:amend", args=[complication.pk]), data)
    assert "changed by someone else" in page.content.decode()


def test_entered_in_error_on_the_page_strikes_it_through(
    operated: Operated, client: Client
) -> None:
    complication = recorded(operated, client)
    page = client.post(
        reverse("complications:error", args=[complication.pk]),
        {"error-version": "1", "error-reason": "Wrong patient"},
        follow=True,
    )
    assert "entered in error" in page.content.decode()
    listing = client.get(reverse("complications:episode", args=[operated.episode.pk]))
    assert "<s>Infection, superficial (wound)</s>" in listing.content.decode()
    assert Complication.objects.filter(pk=complication.pk, entered_in_error=True).exists()


def alert(clinic: Clinic, operated: Operated, rule: str = "R2") -> Alert:
    check_in = CheckIn.objects.create(
        episode=operated.episode,
        submitted_by=clinic.user(Role.PATIENT),
        answers={"pain_score": 4, "calf_pain_or_swelling": True},
        level=2,
    )
    return Alert.objects.create(
        check_in=check_in,
        episode=operated.episode,
        rule=rule,
        level=2,
        patient_message="You need a same-day check for a blood clot in the leg.",
        team_action="Same-day review and scan.",
        source="DOMAIN §12 R2",
    )


def test_the_triage_list_offers_record_as_complication(
    clinic: Clinic, operated: Operated, client: Client
) -> None:
    raised = alert(clinic, operated)
    page = signed_in(client, operated, "nurse").get(reverse("aftercare:triage"))
    link = reverse("complications:episode", args=[operated.episode.pk]) + f"?alert={raised.pk}"
    assert link in page.content.decode()


def test_an_alert_prefills_the_form_and_is_linked(
    clinic: Clinic, operated: Operated, client: Client
) -> None:
    raised = alert(clinic, operated)
    url = reverse("complications:episode", args=[operated.episode.pk])
    page = signed_in(client, operated, "nurse").get(url, {"alert": raised.pk})
    form = page.context["form"]
    day = timezone.localdate(raised.check_in.submitted_at)
    assert form.initial["kind"] == "venous_thrombosis"
    assert form.initial["onset_on"] == day
    assert form.initial["alert_id"] == raised.pk
    assert "Prefilled from the triage alert R2" in page.content.decode()
    posted = {**POSTED, "kind": "venous_thrombosis", "onset_on": day.isoformat()}
    client.post(url, {**posted, "alert_id": str(raised.pk)})
    assert Complication.objects.get().alert == raised
    again = client.post(url, {**posted, "alert_id": str(raised.pk)})
    assert "already recorded as a complication" in again.content.decode()


def test_a_wound_alert_prefills_a_superficial_infection(
    clinic: Clinic, operated: Operated, client: Client
) -> None:
    raised = alert(clinic, operated, rule="R6")
    page = signed_in(client, operated).get(
        reverse("complications:episode", args=[operated.episode.pk]), {"alert": raised.pk}
    )
    assert page.context["form"].initial["kind"] == "infection_superficial"


def test_an_alert_of_another_episode_is_not_found(
    clinic: Clinic, operated: Operated, client: Client
) -> None:
    raised = alert(clinic, operated)
    other = clinic.patient_b.episodes.get()
    client.force_login(clinic.user(Role.ADMIN))
    page = client.get(reverse("complications:episode", args=[other.pk]), {"alert": raised.pk})
    assert page.status_code == 404


def proposal(operated: Operated) -> RecurrenceProposal:
    operated.measure(operated.film(300), 24.0)
    return RecurrenceProposal.objects.get()


def test_a_proposal_is_on_the_surgeons_worklist(operated: Operated, client: Client) -> None:
    proposal(operated)
    page = signed_in(client, operated).get(reverse("patients:worklist"))
    assert "Recurrence proposed: confirm or reject" in page.content.decode()


def test_the_surgeon_confirms_on_the_proposal_page(operated: Operated, client: Client) -> None:
    found = proposal(operated)
    url = reverse("complications:proposal", args=[found.pk])
    page = signed_in(client, operated).get(url)
    assert "HVA &gt; 15° at 182 days or more" in page.content.decode()
    done = client.post(
        reverse("complications:confirm", args=[found.pk]),
        {"confirm-version": "1", "confirm-grade_system": "cds_modified", "confirm-grade": "I"},
        follow=True,
    )
    assert "Recurrence confirmed" in done.content.decode()
    assert Complication.objects.get().kind == "recurrence"
    worklist = client.get(reverse("patients:worklist"))
    assert "Recurrence proposed" not in worklist.content.decode()


def test_the_surgeon_rejects_with_a_reason(operated: Operated, client: Client) -> None:
    found = proposal(operated)
    signed_in(client, operated)
    empty = client.post(
        reverse("complications:reject", args=[found.pk]),
        {"reject-version": "1", "reject-reason": ""},
    )
    assert empty.status_code == 200
    client.post(
        reverse("complications:reject", args=[found.pk]),
        {"reject-version": "1", "reject-reason": "Rotated film"},
    )
    found.refresh_from_db()
    assert (found.status, found.reason) == ("rejected", "Rotated film")
    assert not Complication.objects.exists()


def test_a_nurse_sees_the_proposal_but_cannot_decide(operated: Operated, client: Client) -> None:
    found = proposal(operated)
    nurse = signed_in(client, operated, "nurse")
    page = nurse.get(reverse("complications:proposal", args=[found.pk]))
    assert "Confirm recurrence" not in page.content.decode()
    refused = nurse.post(
        reverse("complications:confirm", args=[found.pk]),
        {"confirm-version": "1", "confirm-grade_system": "cds_modified", "confirm-grade": "I"},
    )
    assert refused.status_code == 403
