"""Writes to patients and episodes: validation, conflicts, transitions, atomicity."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from halluxpath.accounts.models import Role
from halluxpath.audit.context import Actor
from halluxpath.audit.models import AuditEvent
from halluxpath.core.episode import EpisodeStatus
from halluxpath.patients import actions
from halluxpath.patients.models import Episode, Patient, StatusChange
from halluxpath.patients.schemas import (
    EpisodeDetails,
    PatientChanges,
    PatientDetails,
    StatusChangeInput,
)
from halluxpath.records import EditConflict
from tests.conftest import Clinic


def new_patient_data(**overrides: Any) -> PatientDetails:
    """Built without the schema's checks, so the action's own refusals are what is tested."""
    return PatientDetails.model_construct(
        **{
            "hospital_number": "N-1234",
            "given_name": "Mary",
            "family_name": "Seacole",
            "date_of_birth": date(1955, 3, 1),
            "sex": "female",
            "phone": "",
            "email": "",
            **overrides,
        }
    )


def episode_data(clinic: Clinic, **overrides: Any) -> EpisodeDetails:
    return EpisodeDetails.model_validate(
        {
            "side": "right",
            "diagnosis": "Hallux valgus",
            "responsible_surgeon": clinic.user(Role.SURGEON),
            "care_team": clinic.team_a,
            "referred_on": date(2026, 2, 1),
            **overrides,
        }
    )


def to(status: EpisodeStatus, note: str = "") -> StatusChangeInput:
    return StatusChangeInput(to_status=status, note=note)


def test_registering_a_patient_creates_the_first_episode_and_audits_both(clinic: Clinic) -> None:
    actor = Actor(clinic.user(Role.NURSE), "10.0.0.7")
    patient = actions.create_patient(actor, new_patient_data(), episode_data(clinic))
    episode = patient.episodes.get()
    assert episode.status == "referred"
    assert StatusChange.objects.filter(episode=episode, to_status="referred").exists()
    events = AuditEvent.objects.filter(action="create", patient_id=patient.pk)
    assert sorted(events.values_list("object_type", flat=True)) == ["episode", "patient"]
    assert {e.client_address for e in events} == {"10.0.0.7"}


def test_a_duplicate_hospital_number_is_refused_and_nothing_is_saved(clinic: Clinic) -> None:
    actor = Actor(clinic.user(Role.NURSE))
    actions.create_patient(actor, new_patient_data(), episode_data(clinic))
    before = (Patient.objects.count(), Episode.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as refused:
        actions.create_patient(actor, new_patient_data(given_name="Other"), episode_data(clinic))
    assert "hospital_number" in refused.value.message_dict
    assert (Patient.objects.count(), Episode.objects.count()) == before[:2]
    denied = AuditEvent.objects.order_by("pk").last()
    assert denied is not None
    assert (denied.outcome, denied.detail["reason"]) == ("denied", "hospital number in use")
    assert AuditEvent.objects.count() == before[2] + 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("date_of_birth", date(2999, 1, 1), "future"),
        ("date_of_birth", date(1850, 1, 1), "before 1900"),
        ("hospital_number", "<script>", "letters, digits or hyphens"),
        ("hospital_number", "", "cannot be blank"),
        ("sex", "robot", "not a valid choice"),
        ("email", "not-an-email", "valid email"),
    ],
)
def test_impossible_patient_details_are_refused_with_a_clear_message(
    clinic: Clinic, field: str, value: object, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.create_patient(
            Actor(clinic.user(Role.NURSE)), new_patient_data(**{field: value}), episode_data(clinic)
        )
    assert message in " ".join(refused.value.message_dict[field])
    assert not Patient.objects.filter(given_name="Mary").exists()


def test_an_episode_needs_a_surgeon_of_its_own_care_team(clinic: Clinic) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.create_patient(
            Actor(clinic.user(Role.NURSE)),
            new_patient_data(),
            episode_data(clinic, responsible_surgeon=clinic.surgeon_b),
        )
    assert "care team" in refused.value.message_dict["responsible_surgeon"][0]
    with pytest.raises(ValidationError) as refused:
        actions.create_patient(
            Actor(clinic.user(Role.NURSE)),
            new_patient_data(),
            episode_data(clinic, responsible_surgeon=clinic.user(Role.NURSE)),
        )
    assert "surgeon" in refused.value.message_dict["responsible_surgeon"][0]


def test_staff_cannot_file_a_patient_under_another_team(clinic: Clinic) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.create_patient(
            Actor(clinic.user(Role.NURSE)),
            new_patient_data(),
            episode_data(clinic, care_team=clinic.team_b, responsible_surgeon=clinic.surgeon_b),
        )
    assert "care_team" in refused.value.message_dict


def test_a_referral_cannot_be_dated_in_the_future(clinic: Clinic) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        actions.create_patient(
            Actor(clinic.user(Role.NURSE)),
            new_patient_data(),
            episode_data(clinic, referred_on=tomorrow),
        )
    assert "future" in refused.value.message_dict["referred_on"][0]


@pytest.mark.parametrize("role", [Role.PHYSIOTHERAPIST, Role.PATIENT, Role.RESEARCHER])
def test_roles_that_only_read_cannot_register_patients(clinic: Clinic, role: Role) -> None:
    with pytest.raises(PermissionDenied):
        actions.create_patient(Actor(clinic.user(role)), new_patient_data(), episode_data(clinic))


def test_an_edit_records_what_changed_before_and_after(clinic: Clinic) -> None:
    patient = clinic.patient_a
    actions.update_patient(
        Actor(clinic.user(Role.SURGEON)),
        patient.pk,
        1,
        PatientChanges(phone="07700 900123", given_name="Ada"),
    )
    patient.refresh_from_db()
    assert (patient.phone, patient.version) == ("07700 900123", 2)
    event = AuditEvent.objects.get(action="change", object_type="patient")
    assert event.detail == {
        "version": 2,
        "changes": {"phone": {"before": "", "after": "07700 900123"}},
    }


def test_a_stale_edit_is_a_conflict_and_overwrites_nothing(clinic: Clinic) -> None:
    patient = clinic.patient_a
    nurse, surgeon = Actor(clinic.user(Role.NURSE)), Actor(clinic.user(Role.SURGEON))
    actions.update_patient(nurse, patient.pk, 1, PatientChanges(phone="07700 900001"))
    with pytest.raises(EditConflict, match="changed by someone else"):
        actions.update_patient(surgeon, patient.pk, 1, PatientChanges(phone="07700 900999"))
    patient.refresh_from_db()
    assert (patient.phone, patient.version) == ("07700 900001", 2)
    conflict = AuditEvent.objects.get(outcome="conflict")
    assert conflict.actor_username == "surgeon"


def test_a_stale_status_change_is_a_conflict(clinic: Clinic) -> None:
    episode = clinic.patient_a.episodes.get()
    actor = Actor(clinic.user(Role.SURGEON))
    actions.change_episode_status(actor, episode.pk, 1, to(EpisodeStatus.ASSESSED))
    with pytest.raises(EditConflict):
        actions.change_episode_status(
            actor, episode.pk, 1, to(EpisodeStatus.ASSESSED)
        )  # a double submit
    assert StatusChange.objects.filter(episode=episode, to_status="assessed").count() == 1


def test_status_moves_along_the_allowed_path_only(clinic: Clinic) -> None:
    episode = clinic.patient_a.episodes.get()
    actor = Actor(clinic.user(Role.SURGEON))
    with pytest.raises(ValidationError, match="can only become assessed or discharged"):
        actions.change_episode_status(actor, episode.pk, 1, to(EpisodeStatus.OPERATED))
    version = 1
    for status in ("assessed", "planned", "operated", "follow_up", "discharged"):
        episode = actions.change_episode_status(
            actor,
            episode.pk,
            version,
            to(EpisodeStatus(status), "ok"),
        )
        version = episode.version
    assert episode.status == "discharged"
    timeline = list(
        StatusChange.objects.filter(episode=episode).values_list("to_status", flat=True)
    )
    assert timeline[-5:] == ["assessed", "planned", "operated", "follow_up", "discharged"]
    assert AuditEvent.objects.filter(action="transition").count() == 5


def test_a_crash_in_the_middle_of_a_write_leaves_nothing_behind(
    clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the audit write fails, the change it describes is rolled back too."""

    def broken_record(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(actions, "record", broken_record)
    with pytest.raises(OSError, match="disk full"):
        actions.create_patient(
            Actor(clinic.user(Role.NURSE)), new_patient_data(), episode_data(clinic)
        )
    assert not Patient.objects.filter(hospital_number="N-1234").exists()
    assert not Episode.objects.filter(side="right").exists()
    with pytest.raises(OSError, match="disk full"):
        actions.update_patient(
            Actor(clinic.user(Role.NURSE)),
            clinic.patient_a.pk,
            1,
            PatientChanges(phone="07700 900555"),
        )
    clinic.patient_a.refresh_from_db()
    assert (clinic.patient_a.phone, clinic.patient_a.version) == ("", 1)


def test_a_further_episode_for_the_other_foot(clinic: Clinic) -> None:
    episode = actions.open_episode(
        Actor(clinic.user(Role.SURGEON)), clinic.patient_a.pk, episode_data(clinic, side="right")
    )
    assert clinic.patient_a.episodes.count() == 2
    assert episode.side == "right"
