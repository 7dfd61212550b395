"""Every write to patients and episodes: validate, write in one transaction, audit.

Pages and the API call these functions; neither writes the models itself.
Each edit names the ``version`` the editor started from; if someone else has
saved in the meantime the edit is refused with ``EditConflict`` and nothing is
written (optimistic concurrency). Records are never deleted here.
"""

from __future__ import annotations

from datetime import date
from enum import Enum

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from halluxpath.accounts import permissions
from halluxpath.accounts.models import CareTeam, User
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.core.episode import (
    EpisodeStatus,
    TransitionRefused,
    check_transition,
    forward_path,
)
from halluxpath.frontdoor import page_only
from halluxpath.patients import access
from halluxpath.patients.models import Episode, Patient, Reminders, StatusChange
from halluxpath.patients.schemas import (
    EpisodeDetails,
    PatientChanges,
    PatientDetails,
    StatusChangeInput,
)
from halluxpath.records import EditConflict, FieldChange, change_detail, check_version

PATIENT_FIELDS = (
    "hospital_number",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "phone",
    "email",
    "reminders",
)
EPISODE_FIELDS = ("side", "diagnosis", "responsible_surgeon", "care_team", "referred_on")
EARLIEST_BIRTH = date(1900, 1, 1)
# A hospital number is unique at its site, but who holds it is not everyone's
# to know (issue 12, item 15): someone who may see that patient is told so;
# anyone else gets a message that names nobody, no team and no episode, and
# the refusal is kept in the audit log for the site's administrators.
DUPLICATE_NUMBER = (
    "A patient with this hospital number is already registered: find them on the worklist "
    "(for the other foot, open a new episode there)."
)
NUMBER_IN_USE = (
    "This hospital number cannot be used. Check it against the patient's notes; "
    "if it is right, ask your site administrator for help."
)


class NumberInUse(ValidationError):
    """The hospital number is taken (the message depends on who asks)."""


def _audit_value(value: object) -> object:
    if isinstance(value, User | CareTeam):
        return value.pk
    return value


def _staff(actor: Actor) -> User:
    user = actor.user
    if user is None or not permissions.may_change_clinical_records(user):
        raise PermissionDenied("Your role cannot change patient records.")
    return user


def _number_in_use(user: User, holder_id: int | None) -> NumberInUse:
    seen = holder_id is not None and access.visible_patients(user).filter(pk=holder_id).exists()
    return NumberInUse({"hospital_number": DUPLICATE_NUMBER if seen else NUMBER_IN_USE})


def _check_patient(patient: Patient, *, user: User, today: date) -> None:
    patient.full_clean(exclude=["user"], validate_constraints=False)
    holder = (
        Patient.objects.filter(site_id=patient.site_id, hospital_number=patient.hospital_number)
        .exclude(pk=patient.pk)
        .values_list("pk", flat=True)
        .first()
    )
    if holder is not None:
        raise _number_in_use(user, holder)
    if patient.date_of_birth > today:
        raise ValidationError({"date_of_birth": "The date of birth cannot be in the future."})
    if patient.date_of_birth < EARLIEST_BIRTH:
        raise ValidationError({"date_of_birth": "Check the date of birth: it is before 1900."})


def _check_episode(user: User, episode: Episode, *, today: date) -> None:
    episode.full_clean(exclude=["patient"])
    errors: dict[str, str] = {}
    if episode.care_team.site_id != episode.patient.site_id:
        raise ValidationError({"care_team": "Choose a care team of the patient's site."})
    if not permissions.may_be_responsible_surgeon(episode.responsible_surgeon):
        errors["responsible_surgeon"] = "The responsible clinician must be a surgeon."
    elif not episode.care_team.members.filter(pk=episode.responsible_surgeon.pk).exists():
        errors["responsible_surgeon"] = "The responsible surgeon must belong to the care team."
    if (
        not permissions.may_open_episodes_for_any_team(user)
        and not episode.care_team.members.filter(pk=user.pk).exists()
    ):
        errors["care_team"] = "You can only open episodes for a care team you belong to."
    if episode.referred_on > today:
        errors["referred_on"] = "The referral date cannot be in the future."
    elif episode.referred_on < episode.patient.date_of_birth:
        errors["referred_on"] = "The referral date is before the patient's date of birth."
    if errors:
        raise ValidationError(errors)


def _save_unique(instance: Patient, user: User) -> None:
    """Save, turning a lost race on the hospital number into a form error."""
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        raise _number_in_use(user, None) from None


def _refused_number(actor: Actor, verb: str, patient_id: int | None, number: str) -> None:
    """Keep a refused hospital number in the audit log (outside the rolled-back write)."""
    record(
        actor,
        verb,
        object_type="patient",
        object_id=patient_id or "",
        patient_id=patient_id,
        outcome="denied",
        detail={"reason": "hospital number in use", "hospital_number": number},
    )


def _episode_fields(details: EpisodeDetails) -> dict[str, object]:
    """The episode's fields, with the chosen surgeon and team looked up (refused if unknown)."""
    surgeon = User.objects.filter(pk=details.responsible_surgeon).first()
    team = CareTeam.objects.filter(pk=details.care_team).first()
    errors = {}
    if surgeon is None:
        errors["responsible_surgeon"] = "Choose the responsible surgeon."
    if team is None:
        errors["care_team"] = "Choose a care team."
    if errors:
        raise ValidationError(errors)
    return {
        "side": details.side.value,
        "diagnosis": details.diagnosis,
        "responsible_surgeon": surgeon,
        "care_team": team,
        "referred_on": details.referred_on,
    }


def _plain(value: object) -> object:
    """An enumeration member as the string the model stores."""
    return value.value if isinstance(value, Enum) else value


def create_patient(actor: Actor, details: PatientDetails, first_episode: EpisodeDetails) -> Patient:
    """Register a patient together with their first episode of care.

    A patient always arrives with an episode, so that a care team is
    responsible for them from the first moment (access follows episodes).
    """
    user = _staff(actor)
    today = timezone.localdate()
    try:
        return _create_patient(actor, user, details, first_episode, today=today)
    except NumberInUse:
        _refused_number(actor, "create", None, details.hospital_number)
        raise


def _create_patient(
    actor: Actor, user: User, details: PatientDetails, first_episode: EpisodeDetails, *, today: date
) -> Patient:
    with transaction.atomic():
        patient = Patient(
            site_id=user.site_id,
            **{k: _plain(getattr(details, k)) for k in PATIENT_FIELDS},
        )
        _check_patient(patient, user=user, today=today)
        _save_unique(patient, user)
        episode = Episode(patient=patient, **_episode_fields(first_episode))
        _check_episode(user, episode, today=today)
        episode.save()
        StatusChange.objects.create(
            episode=episode, to_status=episode.status, changed_at=timezone.now(), changed_by=user
        )
        record(
            actor,
            "create",
            object_type="patient",
            object_id=patient.pk,
            patient_id=patient.pk,
            detail={"fields": {k: _audit_value(getattr(patient, k)) for k in PATIENT_FIELDS}},
        )
        record(
            actor,
            "create",
            object_type="episode",
            object_id=episode.pk,
            patient_id=patient.pk,
            detail={"fields": {k: _audit_value(getattr(episode, k)) for k in EPISODE_FIELDS}},
        )
    return patient


def _apply_changes(
    instance: Patient | Episode, fields: tuple[str, ...], changes: dict[str, object]
) -> dict[str, FieldChange]:
    changed: dict[str, FieldChange] = {}
    for name in fields:
        value = _plain(changes.get(name))
        if name in changes and getattr(instance, name) != value:
            changed[name] = FieldChange(_audit_value(getattr(instance, name)), _audit_value(value))
            setattr(instance, name, value)
    return changed


def update_patient(
    actor: Actor, patient_id: int, expected_version: int, changes: PatientChanges
) -> Patient:
    """Change a patient's details, if nobody else has since ``expected_version``."""
    user = _staff(actor)
    today = timezone.localdate()
    # Access is checked before the transaction so that a refusal stays in the log.
    access.patient_for(actor, patient_id, purpose="edit")
    try:
        with transaction.atomic():
            patient = Patient.objects.select_for_update().get(pk=patient_id)
            check_version("patient", patient.version, expected_version)
            changed = _apply_changes(patient, PATIENT_FIELDS, changes.given())
            if not changed:
                return patient
            _check_patient(patient, user=user, today=today)
            patient.version += 1
            _save_unique(patient, user)
            record(
                actor,
                "change",
                object_type="patient",
                object_id=patient.pk,
                patient_id=patient.pk,
                detail=change_detail(changed, patient.version),
            )
    except NumberInUse:
        _refused_number(actor, "change", patient_id, str(changes.given().get("hospital_number")))
        raise
    except EditConflict:
        record(
            actor,
            "change",
            object_type="patient",
            object_id=patient_id,
            patient_id=patient_id,
            outcome="conflict",
            detail={"expected_version": expected_version},
        )
        raise
    return patient


def open_episode(actor: Actor, patient_id: int, details: EpisodeDetails) -> Episode:
    """Open a further episode for a patient, e.g. for the other foot."""
    user = _staff(actor)
    today = timezone.localdate()
    patient = access.patient_for(actor, patient_id, purpose="edit")
    with transaction.atomic():
        episode = Episode(patient=patient, **_episode_fields(details))
        _check_episode(user, episode, today=today)
        episode.save()
        StatusChange.objects.create(
            episode=episode, to_status=episode.status, changed_at=timezone.now(), changed_by=user
        )
        record(
            actor,
            "create",
            object_type="episode",
            object_id=episode.pk,
            patient_id=patient.pk,
            detail={"fields": {k: _audit_value(getattr(episode, k)) for k in EPISODE_FIELDS}},
        )
    return episode


def update_episode(
    actor: Actor, episode_id: int, expected_version: int, details: EpisodeDetails
) -> Episode:
    """Change an episode's details (not its status: see ``change_episode_status``)."""
    user = _staff(actor)
    today = timezone.localdate()
    access.episode_for(actor, episode_id, purpose="edit")
    try:
        with transaction.atomic():
            episode = (
                Episode.objects.select_for_update().select_related("patient").get(pk=episode_id)
            )
            check_version("episode", episode.version, expected_version)
            changed = _apply_changes(episode, EPISODE_FIELDS, _episode_fields(details))
            if not changed:
                return episode
            _check_episode(user, episode, today=today)
            episode.version += 1
            episode.save()
            record(
                actor,
                "change",
                object_type="episode",
                object_id=episode.pk,
                patient_id=episode.patient_id,
                detail=change_detail(changed, episode.version),
            )
    except EditConflict:
        record(
            actor,
            "change",
            object_type="episode",
            object_id=episode_id,
            outcome="conflict",
            detail={"expected_version": expected_version},
        )
        raise
    return episode


def change_episode_status(
    actor: Actor, episode_id: int, expected_version: int, change: StatusChangeInput
) -> Episode:
    """Move an episode to its next stage of care (core.episode rules)."""
    user = _staff(actor)
    to_status, note = change.to_status.value, change.note
    access.episode_for(actor, episode_id, purpose="edit")
    try:
        with transaction.atomic():
            episode = Episode.objects.select_for_update().get(pk=episode_id)
            check_version("episode", episode.version, expected_version)
            try:
                step = check_transition(episode.status, to_status)
            except TransitionRefused as refusal:
                raise ValidationError(str(refusal).capitalize() + ".") from None
            episode.status = step.to_status.value
            episode.version += 1
            episode.save(update_fields=["status", "version", "updated_at"])
            StatusChange.objects.create(
                episode=episode,
                from_status=step.from_status.value,
                to_status=step.to_status.value,
                changed_at=timezone.now(),
                changed_by=user,
                note=note[:500],
                cause=manual_cause(note),
            )
            record(
                actor,
                "transition",
                object_type="episode",
                object_id=episode.pk,
                patient_id=episode.patient_id,
                detail={
                    "from": step.from_status.value,
                    "to": step.to_status.value,
                    "version": episode.version,
                    "note": note[:500],
                    "cause": manual_cause(note),
                },
            )
    except EditConflict:
        record(
            actor,
            "transition",
            object_type="episode",
            object_id=episode_id,
            outcome="conflict",
            detail={"expected_version": expected_version, "to": to_status},
        )
        raise
    return episode


CAUSE_LENGTH = 200


def manual_cause(note: str) -> str:
    """The cause of a status change made by hand: "manual", with the reason if one was given."""
    reason = " ".join(note.split())
    text = f"manual: {reason}" if reason else "manual"
    return text if len(text) <= CAUSE_LENGTH else text[: CAUSE_LENGTH - 1] + "…"


def person(user: User | None) -> str:
    """A user as a cause names them: full name, else user name."""
    if user is None:
        return "the system"
    return user.get_full_name() or user.get_username()


@page_only(
    "called inside the assessment, plan, operative-record and check-in actions, in their "
    "transaction; the API moves an episode by hand with change_episode_status"
)
def advance_episode(
    actor: Actor, episode: Episode, to_status: EpisodeStatus, cause: str
) -> list[StatusChange]:
    """Move an episode forward to ``to_status`` because of the work just recorded.

    Called by the action that records the work (assessment saved: assessed;
    plan saved: planned; operative record signed: operated; first check-in:
    follow-up), inside its transaction, after it has checked the actor's right
    to record that work; so this checks no role of its own. Each step taken is
    an allowed one (``core.episode.forward_path``) and is kept with its
    ``cause``; an episode already at or past ``to_status``, or discharged, is
    left as it is (idempotent: a plan saved twice moves it once). Returns the
    steps taken, oldest first.
    """
    with transaction.atomic():
        current = Episode.objects.select_for_update().get(pk=episode.pk)
        path = forward_path(current.status, to_status.value)
        if not path:
            return []
        now = timezone.now()
        text = cause[:CAUSE_LENGTH]
        changes = [
            StatusChange(
                episode=current,
                from_status=step.from_status.value,
                to_status=step.to_status.value,
                changed_at=now,
                changed_by=actor.user,
                cause=text,
            )
            for step in path
        ]
        StatusChange.objects.bulk_create(changes)
        current.status = path[-1].to_status.value
        current.version += 1
        current.save(update_fields=["status", "version", "updated_at"])
        record(
            actor,
            "transition",
            object_type="episode",
            object_id=current.pk,
            patient_id=current.patient_id,
            detail={
                "from": path[0].from_status.value,
                "to": current.status,
                "version": current.version,
                "cause": text,
                "automatic": True,
            },
        )
    episode.status, episode.version = current.status, current.version
    return changes


@page_only("a patient's own choice, made in the patient portal; the API serves staff")
def set_own_reminders(actor: Actor, choice: str) -> Patient:
    """A patient chooses how (or whether) they are reminded, from their portal."""
    user = actor.user
    if not permissions.is_patient(user):
        raise PermissionDenied("Patients choose their own reminders.")
    if choice not in Reminders.values:
        raise ValidationError({"reminders": "Choose one of the options."})
    with transaction.atomic():
        patient = Patient.objects.select_for_update().filter(user=user).first()
        if patient is None:
            raise Http404("No record.")
        if patient.reminders == choice:
            return patient
        before = patient.reminders
        patient.reminders = choice
        patient.version += 1
        patient.save(update_fields=["reminders", "version", "updated_at"])
        record(
            actor,
            "change",
            object_type="patient",
            object_id=patient.pk,
            patient_id=patient.pk,
            detail={"reminders": {"before": before, "after": choice}, "by": "patient"},
        )
    return patient
