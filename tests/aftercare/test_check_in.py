"""Check-ins, red-flag alerts, acknowledgement and escalation (DOMAIN §12)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from halluxpath.accounts.models import Role
from halluxpath.aftercare.actions import escalate_overdue
from halluxpath.aftercare.models import Alert, CheckIn
from halluxpath.aftercare.schemas import PlanIssue
from halluxpath.audit.models import AuditEvent
from tests.conftest import Clinic

QUIET = {"pain_score": "3", "discharge": "none", "bleeding": "none", "numbness": "none"}


def send(client: Client, **answers: Any) -> Any:
    return client.post(reverse("aftercare:check_in"), {**QUIET, **answers}, follow=True)


@pytest.fixture
def patient(clinic: Clinic, client: Client) -> Client:
    client.force_login(clinic.user(Role.PATIENT))
    return client


def test_chest_pain_tells_the_patient_to_call_999_at_once_and_alerts_the_team(
    clinic: Clinic, patient: Client
) -> None:
    response = send(patient, breathless_or_chest_pain="on")
    body = response.content.decode()
    assert "Call 999 now" in body
    alert = Alert.objects.get()
    assert (alert.rule, alert.level) == ("R1", 3)
    assert alert.episode == clinic.patient_a.episodes.get()
    assert AuditEvent.objects.filter(object_type="check_in").exists()


def test_a_quiet_check_in_raises_no_alert(patient: Client) -> None:
    body = send(patient).content.decode()
    assert "Nothing you told us needs action now" in body
    assert CheckIn.objects.get().level == 0
    assert not Alert.objects.exists()


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"pain_score": "11"}, "less than or equal to 10"),
        ({"temperature_c": "98.6"}, "between 30 and 45"),
        ({"discharge": "green"}, "Select a valid choice"),
    ],
)
def test_out_of_range_answers_are_refused_and_nothing_is_kept(
    patient: Client, answers: dict[str, str], message: str
) -> None:
    response = send(patient, **answers)
    assert message in response.content.decode()
    assert not CheckIn.objects.exists()


def test_the_team_acknowledges_once_with_a_response_and_a_note(
    clinic: Clinic, patient: Client, client: Client
) -> None:
    clinic.patient_a.phone = "07700 900123"
    clinic.patient_a.save()
    send(patient, calf_pain_or_swelling="on")
    alert = Alert.objects.get()
    client.force_login(clinic.user(Role.NURSE))
    listing = client.get(reverse("aftercare:triage")).content.decode()
    assert "Ada Lovelace" in listing
    assert "Urgent" in listing
    assert 'href="tel:07700900123"><strong>07700 900123</strong>' in listing  # the patient's phone
    assert "Called the patient" in listing  # the responses offered
    url = reverse("aftercare:acknowledge", args=[alert.pk])
    field = f"a{alert.pk}-"
    missing = client.post(url, {f"{field}note": "Called"})
    assert missing.status_code == 422
    assert "This field is required" in missing.content.decode()
    other = client.post(url, {f"{field}response": "other", f"{field}note": " "})
    assert "Say what was done." in other.content.decode()
    hostile = client.post(url, {f"{field}response": "<script>", f"{field}note": "x"})
    assert hostile.status_code == 422
    too_long = client.post(url, {f"{field}response": "booked_review", f"{field}note": "x" * 501})
    assert too_long.status_code == 422
    assert Alert.objects.get().acknowledged_at is None
    done = client.post(
        url, {f"{field}response": "booked_review", f"{field}note": "DVT scan booked today"}
    )
    assert done.status_code == 302
    again = client.post(url, {f"{field}response": "no_action_needed"})
    assert "already acknowledged by Nurse Test" in again.content.decode()
    alert.refresh_from_db()
    assert (alert.response, alert.action_taken) == ("booked_review", "DVT scan booked today")
    assert alert.acknowledged_by == clinic.user(Role.NURSE)
    event = AuditEvent.objects.filter(object_type="alert", action="change").get()
    assert event.detail["response"] == "booked_review"
    assert event.detail["note"] == "DVT scan booked today"
    listing = client.get(reverse("aftercare:triage")).content.decode()
    assert "Booked a review" in listing.split("Recently acknowledged")[1]
    assert "DVT scan booked today" in listing


def test_other_teams_neither_see_nor_acknowledge_the_alert(
    clinic: Clinic, patient: Client, client: Client
) -> None:
    send(patient, redness_spreading="on")
    alert = Alert.objects.get()
    client.force_login(clinic.surgeon_b)
    assert "Lovelace" not in client.get(reverse("aftercare:triage")).content.decode()
    response = client.post(
        reverse("aftercare:acknowledge", args=[alert.pk]),
        {f"a{alert.pk}-response": "called_patient"},
    )
    assert response.status_code == 404
    alert.refresh_from_db()
    assert alert.acknowledged_at is None


def test_unacknowledged_urgent_alerts_escalate_after_two_hours_once(patient: Client) -> None:
    send(patient, temperature_c="38.4")
    send(patient, bleeding="small_stain")  # NONE: no alert at all
    alert = Alert.objects.get()
    now = timezone.now()
    assert escalate_overdue(now) == []
    later = now + dt.timedelta(hours=2, minutes=1)
    assert [a.pk for a in escalate_overdue(later)] == [alert.pk]
    assert escalate_overdue(later + dt.timedelta(hours=1)) == []


def test_staff_cannot_send_check_ins_and_patients_see_only_their_own_results(
    clinic: Clinic, patient: Client, client: Client
) -> None:
    send(patient, feels_seriously_wrong="on")
    saved = CheckIn.objects.get()
    client.force_login(clinic.user(Role.NURSE))
    assert client.get(reverse("aftercare:check_in")).status_code == 403
    from tests.conftest import make_user

    other = make_user("other-patient", Role.PATIENT)
    client.force_login(other)
    assert client.get(reverse("aftercare:check_in_result", args=[saved.pk])).status_code == 404


def test_how_the_plan_is_going_is_kept_and_shown_to_the_team(
    clinic: Clinic, client: Client
) -> None:
    client.force_login(clinic.user(Role.PATIENT))
    answers = {
        **QUIET,
        "temperature_c": "38.4",
        "medication": "missed_some",
        "kept_foot_up": "on",
    }
    client.post(reverse("aftercare:check_in"), answers)
    saved = CheckIn.objects.get()
    assert saved.answers["medication"] == "missed_some"
    assert (saved.answers["kept_foot_up"], saved.answers["used_ice"]) == (True, False)
    client.force_login(clinic.user(Role.NURSE))
    page = client.get(reverse("aftercare:triage")).content.decode()
    assert "medicines <strong>some missed</strong> · foot up yes · ice no" in page


def test_an_unknown_medication_answer_is_refused(clinic: Clinic, client: Client) -> None:
    client.force_login(clinic.user(Role.PATIENT))
    response = client.post(reverse("aftercare:check_in"), {**QUIET, "medication": "lots"})
    assert "Select a valid choice" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_the_result_names_the_next_check_in_and_a_red_flag_makes_it_tomorrow(
    clinic: Clinic, client: Client
) -> None:
    from halluxpath.aftercare.actions import issue_plan
    from halluxpath.audit.context import Actor

    today = timezone.localdate()
    issue_plan(
        Actor(clinic.user(Role.NURSE)),
        clinic.patient_a.episodes.get().pk,
        PlanIssue(
            operated_on=today - dt.timedelta(days=29)
        ),  # day 29: next routine check-in day 32
    )
    client.force_login(clinic.user(Role.PATIENT))
    quiet = client.post(reverse("aftercare:check_in"), QUIET, follow=True).content.decode()
    assert f">{date_format(today + dt.timedelta(days=3))}</time>" in quiet  # the locale's format
    flagged = {**QUIET, "temperature_c": "38.5"}
    page = client.post(reverse("aftercare:check_in"), flagged, follow=True).content.decode()
    tomorrow = today + dt.timedelta(days=1)
    assert f'Your next check-in: <strong><time datetime="{tomorrow:%Y-%m-%d}">' in page


def test_the_same_form_sent_twice_is_one_check_in(clinic: Clinic, client: Client) -> None:
    client.force_login(clinic.user(Role.PATIENT))
    form = client.get(reverse("aftercare:check_in")).content.decode()
    token = form.split('name="submission" value="')[1].split('"')[0]
    answers = {**QUIET, "temperature_c": "38.6", "submission": token}
    first = client.post(reverse("aftercare:check_in"), answers)
    second = client.post(reverse("aftercare:check_in"), answers)  # a double tap
    assert first["Location"] == second["Location"]
    assert CheckIn.objects.count() == 1
    assert Alert.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="check_in", action="create").count() == 1
    another = client.get(reverse("aftercare:check_in")).content.decode()
    assert token not in another  # a new form, a new check-in


def test_a_forged_submission_token_is_refused(clinic: Clinic, client: Client) -> None:
    client.force_login(clinic.user(Role.PATIENT))
    response = client.post(reverse("aftercare:check_in"), {**QUIET, "submission": "<script>"})
    assert response.status_code == 200
    assert not CheckIn.objects.exists()


def test_the_escalation_command_escalates_overdue_urgent_alerts(patient: Client) -> None:
    """`make run` runs it (with --loop) beside the reminder worker (issue 12 item 7)."""
    send(patient, calf_pain_or_swelling="on")
    Alert.objects.update(created_at=timezone.now() - dt.timedelta(hours=3))
    out = io.StringIO()
    call_command("escalate_alerts", stdout=out)
    assert "1 alert(s) escalated" in out.getvalue()
    assert Alert.objects.get().escalated_at is not None


def test_the_staff_menu_counts_the_teams_open_alerts_in_one_query(
    clinic: Clinic, patient: Client, client: Client, django_assert_max_num_queries: Any
) -> None:
    from halluxpath.aftercare.context_processors import open_alerts

    send(patient, calf_pain_or_swelling="on", redness_spreading="on")  # R2 and R5
    client.force_login(clinic.user(Role.NURSE))
    page = client.get(reverse("patients:worklist")).content.decode()
    assert (
        'Triage <span class="alerts-count">(2<span class="visually-hidden"> open alerts</span>)'
        in page
    )
    client.force_login(clinic.surgeon_b)  # another team's alerts are not counted
    assert "open alert" not in client.get(reverse("patients:worklist")).content.decode()
    request = client.get(reverse("patients:worklist")).wsgi_request
    request.user = clinic.user(Role.NURSE)
    with django_assert_max_num_queries(1):
        assert open_alerts(request)["open_alerts_count"] == 2
    Alert.objects.update(acknowledged_at=timezone.now())
    client.force_login(clinic.user(Role.NURSE))
    assert "open alert" not in client.get(reverse("patients:worklist")).content.decode()
