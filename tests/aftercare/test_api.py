"""Aftercare and reminders through the JSON API: the same actions and refusals as the pages."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from halluxpath.accounts.models import Role
from halluxpath.aftercare.models import (
    AftercarePlan,
    Alert,
    CheckIn,
    Invitation,
    PathwayTemplate,
    PlanChange,
)
from halluxpath.aftercare.pathways import current_steps, latest
from halluxpath.reminders.models import OutboxMessage, Status
from tests.api.problems import problem
from tests.conftest import Clinic
from tests.reminders.conftest import make_messages


def send(client: Client, method: str, url: str, body: Any = None) -> Any:
    return getattr(client, method)(url, json.dumps(body or {}), content_type="application/json")


def issue(client: Client, clinic: Clinic) -> tuple[str, Any]:
    episode = clinic.patient_a.episodes.get()
    url = f"/api/v1/episodes/{episode.pk}/aftercare-plan"
    return url, send(client, "post", url, {"operated_on": "2026-11-02"})


def test_a_plan_is_issued_adjusted_and_booked_and_a_stale_version_writes_nothing(
    clinic: Clinic, client: Client
) -> None:
    client.force_login(clinic.user(Role.NURSE))
    url, issued = issue(client, clinic)
    assert issued.status_code == 200
    assert issued.json()["version"] == 1
    assert any(i["key"] == "visit-2w" for i in issued.json()["items"])
    moved = send(
        client,
        "patch",
        url + "/items",
        {
            "version": 1,
            "item_key": "visit-2w",
            "starts_on": "2026-11-17",
            "instructions": "Wound check; stitches out.",
            "reason": "Clinic closed on the 16th",
        },
    )
    assert moved.status_code == 200
    assert moved.json()["version"] == 2
    booked = send(
        client,
        "post",
        url + "/bookings",
        {"version": 2, "item_key": "visit-2w", "time": "14:30", "place": "Room 4"},
    )
    assert booked.status_code == 200
    visit = next(i for i in booked.json()["items"] if i["key"] == "visit-2w")
    assert (visit["starts_on"], visit["time"], visit["place"]) == ("2026-11-17", "14:30", "Room 4")

    stale = send(
        client,
        "post",
        url + "/bookings",
        {"version": 2, "item_key": "visit-2w", "time": "09:00", "place": "Room 1"},
    )
    problem(stale, 409)
    plan = AftercarePlan.objects.get()
    assert plan.version == 3
    assert next(i for i in plan.item_list if i["key"] == "visit-2w")["time"] == "14:30"
    assert PlanChange.objects.count() == 2


def test_the_api_refuses_what_the_pages_refuse(clinic: Clinic, client: Client) -> None:
    client.force_login(clinic.user(Role.PHYSIOTHERAPIST))
    assert issue(client, clinic)[1].status_code == 403
    client.force_login(clinic.surgeon_b)  # another team: the episode does not exist for them
    assert issue(client, clinic)[1].status_code == 404
    client.force_login(clinic.user(Role.NURSE))
    url, _ = issue(client, clinic)
    bad = send(
        client,
        "patch",
        url + "/items",
        {
            "version": 1,
            "item_key": "visit-2w",
            "starts_on": "2026-10-01",
            "instructions": "Too early",
            "reason": "test",
        },
    )
    problem(bad, 422, says="before the operation")
    unknown = send(client, "post", url, {"operated_on": "2026-11-02", "fixation": "glue"})
    problem(unknown, 422)
    assert AftercarePlan.objects.get().version == 1


def test_an_alert_is_acknowledged_once_through_the_api(clinic: Clinic, client: Client) -> None:
    episode = clinic.patient_a.episodes.get()
    check_in = CheckIn.objects.create(
        episode=episode, submitted_by=clinic.user(Role.PATIENT), answers={"pain_score": 9}
    )
    alert = Alert.objects.create(
        check_in=check_in,
        episode=episode,
        rule="R5",
        level=2,
        patient_message="m",
        team_action="t",
        source="DOMAIN §12 R5",
    )
    url = f"/api/v1/alerts/{alert.pk}/acknowledgement"
    body = {"response": "called_patient", "note": "Seen in clinic today"}
    client.force_login(clinic.surgeon_b)
    assert send(client, "post", url, body).status_code == 404
    client.force_login(clinic.user(Role.NURSE))
    for refused in (
        {"response": "shrugged"},
        {"response": "other", "note": "  "},
        {"response": "called_patient", "note": "x" * 501},
        {"action_taken": "Phoned", "outcome": "Fine"},
    ):
        assert send(client, "post", url, refused).status_code == 422, refused
    done = send(client, "post", url, body)
    assert done.status_code == 200
    assert done.json()["response"] == "called_patient"
    assert done.json()["response_words"] == "Called the patient"
    assert done.json()["note"] == "Seen in clinic today"
    assert done.json()["acknowledged_by"] == "Nurse Test"
    again = send(client, "post", url, body)
    problem(again, 422, says="already acknowledged")


def test_a_pathway_template_version_is_saved_by_admins_only_and_never_twice_from_one_version(
    clinic: Clinic, client: Client
) -> None:
    template = PathwayTemplate.objects.get()
    steps = [s.model_dump() for s in current_steps(latest(template))]
    url = f"/api/v1/pathway-templates/{template.pk}"
    body = {"version": 1, "steps": steps[:-1], "note": "Drop the last step."}
    client.force_login(clinic.user(Role.SURGEON))
    assert send(client, "put", url, body).status_code == 403
    client.force_login(clinic.user(Role.ADMIN))
    saved = send(client, "put", url, body)
    assert saved.status_code == 200
    assert saved.json()["version"] == 2
    stale = send(client, "put", url, {**body, "steps": steps, "note": "From version 1 again"})
    problem(stale, 409)
    assert latest(template).number == 2
    step = {**steps[0], "title": "A new title"}
    changed = send(
        client,
        "put",
        url + "/steps",
        {"version": 2, "step": step, "note": "Plainer words", "replaces": step["key"]},
    )
    assert changed.status_code == 200
    assert changed.json()["version"] == 3


def test_staff_invite_a_patient_through_the_api(clinic: Clinic, client: Client) -> None:
    client.force_login(clinic.user(Role.NURSE))
    response = send(client, "post", f"/api/v1/patients/{clinic.patient_b.pk}/invitations")
    assert response.status_code == 404  # team B's patient
    client.force_login(clinic.user(Role.ADMIN))
    response = send(client, "post", f"/api/v1/patients/{clinic.patient_b.pk}/invitations")
    assert response.status_code == 200
    assert len(response.json()["token"]) > 20
    assert Invitation.objects.filter(patient=clinic.patient_b).count() == 1


def test_an_invitation_is_sent_by_text_through_the_api_once(clinic: Clinic, client: Client) -> None:
    patient = clinic.patient_a
    patient.user, patient.phone = None, "07700 900123"
    patient.save()
    client.force_login(clinic.user(Role.NURSE))
    token = send(client, "post", f"/api/v1/patients/{patient.pk}/invitations").json()["token"]
    url = f"/api/v1/patients/{patient.pk}/invitations/sending"
    assert send(client, "post", url, {"token": token, "channel": "email"}).status_code == 422
    assert send(client, "post", url, {"token": "forged", "channel": "sms"}).status_code == 422
    assert send(client, "post", url, {"token": token, "channel": "fax"}).status_code == 422
    first = send(client, "post", url, {"token": token, "channel": "sms"})
    again = send(client, "post", url, {"token": token, "channel": "sms"})
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert OutboxMessage.objects.get().kind == "invitation"
    client.force_login(clinic.surgeon_b)
    assert send(client, "post", url, {"token": token, "channel": "sms"}).status_code == 404


def test_reminders_are_retried_and_stopped_through_the_api(clinic: Clinic, client: Client) -> None:
    episode = clinic.patient_a.episodes.get()
    failed, waiting = make_messages(episode, 2)
    OutboxMessage.objects.filter(pk=failed.pk).update(status=Status.FAILED, attempts=5)
    clinic.patient_a.email = "ada@example.org"
    clinic.patient_a.save()
    client.force_login(clinic.user(Role.PHYSIOTHERAPIST))
    assert send(client, "post", f"/api/v1/reminders/{failed.pk}/retry").status_code == 403
    client.force_login(clinic.surgeon_b)
    assert send(client, "post", f"/api/v1/reminders/{failed.pk}/retry").status_code == 404
    client.force_login(clinic.user(Role.NURSE))
    retried = send(client, "post", f"/api/v1/reminders/{failed.pk}/retry")
    assert retried.json() == {"id": failed.pk, "status": "pending"}
    stopped = send(client, "post", f"/api/v1/reminders/{waiting.pk}/stop")
    assert stopped.json() == {"id": waiting.pk, "status": "stopped"}
    assert OutboxMessage.objects.get(pk=failed.pk).attempts == 0
