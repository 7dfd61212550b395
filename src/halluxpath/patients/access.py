"""Who may see and change which patients and episodes: the one place it is decided.

The rules (docs/access.md has the full matrix):

- Clinical staff (surgeons, nurses, physiotherapists) see the episodes of the
  care teams they belong to, and episodes they are the responsible surgeon
  for, and the patients those episodes belong to.
- Surgeons and nurses may change what they can see; physiotherapists only
  read (their own records arrive with aftercare).
- Administrators see and may change every record.
- A patient sees only their own record, and changes nothing here.
- Researchers never see an identifiable record.

A record the user may not see does not exist for them: the helpers raise
``Http404``, so the answer does not reveal whether the record exists. A record
they may see but not change raises ``PermissionDenied`` (403). Every refusal
and every view of a patient's record is written to the audit log.
"""

from __future__ import annotations

from typing import Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from halluxpath.accounts.models import CLINICAL_ROLES, Role, User
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.patients.models import Episode, Patient

Purpose = Literal["view", "edit"]

EDITING_ROLES = frozenset({Role.SURGEON, Role.NURSE, Role.ADMIN})
CREATING_ROLES = EDITING_ROLES


def _episodes_q(user: User, prefix: str = "") -> Q:
    return Q(**{f"{prefix}care_team__members": user}) | Q(**{f"{prefix}responsible_surgeon": user})


def visible_episodes(user: User) -> QuerySet[Episode]:
    episodes = Episode.objects.select_related("patient", "responsible_surgeon", "care_team")
    if user.role == Role.ADMIN:
        return episodes.all()
    if user.role in CLINICAL_ROLES:
        return episodes.filter(pk__in=Episode.objects.filter(_episodes_q(user)).values("pk"))
    if user.role == Role.PATIENT:
        return episodes.filter(patient__user=user)
    return episodes.none()


def visible_patients(user: User) -> QuerySet[Patient]:
    if user.role == Role.ADMIN:
        return Patient.objects.all()
    if user.role in CLINICAL_ROLES:
        return Patient.objects.filter(
            pk__in=Episode.objects.filter(_episodes_q(user)).values("patient_id")
        )
    if user.role == Role.PATIENT:
        return Patient.objects.filter(user=user)
    return Patient.objects.none()


def may_edit(user: User) -> bool:
    """Whether the user's role may change the records it can see."""
    return user.role in EDITING_ROLES


def may_create_patients(user: User) -> bool:
    return user.role in CREATING_ROLES


def _require_user(actor: Actor) -> User:
    if actor.user is None or not actor.user.is_authenticated:
        raise PermissionDenied("sign in first")
    return actor.user


def _refuse_unseen(actor: Actor, object_type: str, object_id: object) -> Http404:
    record(actor, "view", object_type=object_type, object_id=object_id, outcome="denied")
    return Http404("No such record.")


def patient_for(actor: Actor, pk: int | str, *, purpose: Purpose = "view") -> Patient:
    """The patient ``pk`` if the actor may use it for ``purpose``; else 404 or 403.

    A successful ``view`` is recorded in the audit log; edits are recorded by
    the action that performs them.
    """
    user = _require_user(actor)
    try:
        patient = visible_patients(user).get(pk=pk)
    except (Patient.DoesNotExist, ValueError, TypeError):
        raise _refuse_unseen(actor, "patient", pk) from None
    if purpose == "edit" and not may_edit(user):
        record(
            actor,
            "change",
            object_type="patient",
            object_id=patient.pk,
            patient_id=patient.pk,
            outcome="denied",
        )
        raise PermissionDenied("Your role can view this record but not change it.")
    if purpose == "view":
        record(actor, "view", object_type="patient", object_id=patient.pk, patient_id=patient.pk)
    return patient


def episode_for(actor: Actor, pk: int | str, *, purpose: Purpose = "view") -> Episode:
    """The episode ``pk`` if the actor may use it for ``purpose``; else 404 or 403."""
    user = _require_user(actor)
    try:
        episode = visible_episodes(user).get(pk=pk)
    except (Episode.DoesNotExist, ValueError, TypeError):
        raise _refuse_unseen(actor, "episode", pk) from None
    if purpose == "edit" and not may_edit(user):
        record(
            actor,
            "change",
            object_type="episode",
            object_id=episode.pk,
            patient_id=episode.patient_id,
            outcome="denied",
        )
        raise PermissionDenied("Your role can view this record but not change it.")
    if purpose == "view":
        record(
            actor,
            "view",
            object_type="episode",
            object_id=episode.pk,
            patient_id=episode.patient_id,
        )
    return episode


def require_editor(actor: Actor, refusal: str) -> User:
    """The acting user if their role may change records; else ``PermissionDenied(refusal)``."""
    if actor.user is None or not may_edit(actor.user):
        raise PermissionDenied(refusal)
    return actor.user
