"""The work moves the episode: plan saved, record signed, first check-in (issue 12, item 2)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from halluxpath.accounts.models import Role
from halluxpath.aftercare import actions as aftercare_actions
from halluxpath.aftercare.schemas import CheckInInput
from halluxpath.audit.context import Actor
from halluxpath.audit.models import AuditEvent
from halluxpath.core.episode import EpisodeStatus
from halluxpath.patients import actions
from halluxpath.patients.models import Episode, StatusChange
from halluxpath.patients.schemas import StatusChangeInput
from halluxpath.surgery import actions as surgery_actions
from halluxpath.surgery.schemas import PlanInput
from tests.conftest import Clinic
from tests.surgery.test_operation import RECORD, complete, ready
from tests.surgery.test_pages import measured_episode
from tests.surgery.test_plan_api import PLAN

__all__ = ["ready"]


def causes(episode: Episode) -> list[tuple[str, str]]:
    return [(c.to_status, c.cause) for c in StatusChange.objects.filter(episode=episode)]


def test_advancing_walks_the_allowed_steps_and_keeps_the_cause(clinic: Clinic) -> None:
    episode = clinic.patient_a.episodes.get()
    actor = Actor(clinic.user(Role.SURGEON))
    taken = actions.advance_episode(actor, episode, EpisodeStatus.PLANNED, "plan saved by A B")
    assert [c.to_status for c in taken] == ["assessed", "planned"]
    episode.refresh_from_db()
    assert episode.status == "planned"
    assert episode.version == 2
    assert causes(episode)[-2:] == [
        ("assessed", "plan saved by A B"),
        ("planned", "plan saved by A B"),
    ]
    event = AuditEvent.objects.filter(action="transition", object_id=str(episode.pk)).get()
    assert event.detail["automatic"] is True


def test_advancing_twice_or_backwards_changes_nothing(clinic: Clinic) -> None:
    episode = clinic.patient_a.episodes.get()
    actor = Actor(clinic.user(Role.SURGEON))
    actions.advance_episode(actor, episode, EpisodeStatus.PLANNED, "plan saved")
    before = StatusChange.objects.count()
    assert actions.advance_episode(actor, episode, EpisodeStatus.PLANNED, "plan saved") == []
    assert actions.advance_episode(actor, episode, EpisodeStatus.ASSESSED, "late") == []
    assert StatusChange.objects.count() == before
    assert Episode.objects.get(pk=episode.pk).status == "planned"


def test_a_discharged_episode_is_not_reopened_by_a_late_plan(clinic: Clinic) -> None:
    episode = clinic.patient_a.episodes.get()
    actor = Actor(clinic.user(Role.SURGEON))
    actions.change_episode_status(
        actor,
        episode.pk,
        episode.version,
        StatusChangeInput(to_status=EpisodeStatus.DISCHARGED, note="declined surgery"),
    )
    assert actions.advance_episode(actor, episode, EpisodeStatus.PLANNED, "plan saved") == []
    assert causes(episode)[-1] == ("discharged", "manual: declined surgery")


def test_a_check_in_before_the_operation_does_not_mark_the_foot_operated(clinic: Clinic) -> None:
    episode = clinic.patient_a.episodes.get()
    aftercare_actions.submit_check_in(
        Actor(clinic.user(Role.PATIENT)), episode.pk, CheckInInput(pain_score=2)
    )
    assert Episode.objects.get(pk=episode.pk).status == "referred"


def test_the_first_check_in_after_the_operation_starts_follow_up(clinic: Clinic) -> None:
    episode = clinic.patient_a.episodes.get()
    Episode.objects.filter(pk=episode.pk).update(status="operated")
    patient = Actor(clinic.user(Role.PATIENT))
    aftercare_actions.submit_check_in(patient, episode.pk, CheckInInput(pain_score=2))
    aftercare_actions.submit_check_in(patient, episode.pk, CheckInInput(pain_score=1))
    assert Episode.objects.get(pk=episode.pk).status == "follow_up"
    assert causes(episode)[-1] == ("follow_up", "first check-in sent")
    assert StatusChange.objects.filter(episode=episode, to_status="follow_up").count() == 1


def test_saving_the_plan_makes_the_episode_planned(
    clinic: Clinic, tmp_path: Any, settings: Any
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    episode = measured_episode(clinic, tmp_path)
    surgeon = clinic.user(Role.SURGEON)
    surgery_actions.save_plan(Actor(surgeon), episode.pk, None, PlanInput.model_validate(PLAN))
    episode.refresh_from_db()
    assert episode.status == "planned"
    name = surgeon.get_full_name() or surgeon.username
    assert causes(episode)[-1] == ("planned", f"plan saved by {name}")


def test_signing_the_record_makes_the_episode_operated_and_the_page_says_why(
    clinic: Clinic, client: Client, ready: Episode
) -> None:
    Episode.objects.filter(pk=ready.pk).update(status="planned")
    client.force_login(clinic.user(Role.SURGEON))
    for version, phase in enumerate(("sign_in", "time_out", "sign_out"), start=1):
        complete(client, ready, phase, version)
    url = reverse("surgery:operation", args=[ready.pk])
    client.post(url, {**RECORD, "version": "0"})
    client.post(url, {"action": "sign", "version": "1", "confirm": "on"})
    assert Episode.objects.get(pk=ready.pk).status == "operated"
    assert causes(ready)[-1][1].startswith("operative record signed by")
    page = client.get(reverse("patients:episode", args=[ready.pk])).content.decode()
    assert "operative record signed by" in page


@pytest.mark.parametrize("note", ["", "x" * 500])
def test_a_manual_change_keeps_its_reason_as_the_cause(clinic: Clinic, note: str) -> None:
    episode = clinic.patient_a.episodes.get()
    actions.change_episode_status(
        Actor(clinic.user(Role.SURGEON)),
        episode.pk,
        episode.version,
        StatusChangeInput(to_status=EpisodeStatus.ASSESSED, note=note),
    )
    cause = causes(episode)[-1][1]
    assert cause.startswith("manual")
    assert len(cause) <= 200


def test_each_surgical_page_offers_the_next_step(
    clinic: Clinic, client: Client, ready: Episode
) -> None:
    client.force_login(clinic.user(Role.SURGEON))
    plan_page = client.get(reverse("surgery:plan", args=[ready.pk])).content.decode()
    assert "Next: Record the assessment" in plan_page
    assert reverse("surgery:assessment", args=[ready.pk]) in plan_page
    assert reverse("patients:episode", args=[ready.pk]) in plan_page
    for version, phase in enumerate(("sign_in", "time_out", "sign_out"), start=1):
        complete(client, ready, phase, version)
    url = reverse("surgery:operation", args=[ready.pk])
    client.post(url, {**RECORD, "version": "0"})
    signed = client.post(
        url, {"action": "sign", "version": "1", "confirm": "on"}, follow=True
    ).content.decode()
    assert "Next: Issue the aftercare plan" in signed
    assert reverse("aftercare:plan", args=[ready.pk]) in signed
    episode_page = client.get(reverse("patients:episode", args=[ready.pk])).content.decode()
    assert "Operative record signed" in episode_page
    assert "Sign Out: done" in episode_page


def test_saving_the_assessment_makes_a_referred_episode_assessed(
    clinic: Clinic, client: Client
) -> None:
    from halluxpath.surgery.schemas import AssessmentInput

    episode = clinic.patient_a.episodes.get()
    surgeon = clinic.user(Role.SURGEON)
    surgery_actions.save_assessment(
        Actor(surgeon), episode.pk, None, AssessmentInput.model_validate({})
    )
    assert Episode.objects.get(pk=episode.pk).status == "assessed"
    assert causes(episode)[-1][1].startswith("assessment saved by")
