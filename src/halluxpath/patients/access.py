"""Who may see and change which patients and episodes: the rules every record follows.

The rules (docs/access.md has the full matrix):

- Clinical staff (surgeons, nurses, physiotherapists) see the episodes of the
  care teams they belong to, and episodes they are the responsible surgeon
  for, and the patients those episodes belong to.
- Surgeons and nurses may change what they can see; physiotherapists only
  read (their own records arrive with aftercare).
- Administrators see and may change every record of their own site.
- Nobody sees anything of another site: every rule below also requires the
  record's site to be the user's (clinical staff are already limited by their
  teams, which belong to one site; the site condition is defence in depth).
- A patient sees only their own record, and changes nothing here.
- Researchers never see an identifiable record.

Every other record type (films, plans, check-ins...) is visible exactly when
its episode is: their helpers filter on :func:`visible_episodes`. A record the
user may not see does not exist for them (404, like a missing one); a record
they may see but not change is a 403. The skeleton (404/403/audit) is the
generic one in ``halluxpath.access``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from halluxpath.access import Purpose, RecordAccess, register
from halluxpath.accounts import permissions
from halluxpath.accounts.models import User
from halluxpath.audit.context import Actor
from halluxpath.patients.models import Episode, Patient

__all__ = [
    "EPISODES",
    "PATIENTS",
    "Purpose",
    "episode_for",
    "patient_for",
    "require_editor",
    "visible_episodes",
    "visible_patients",
]


def _episodes_q(user: User, prefix: str = "") -> Q:
    return Q(**{f"{prefix}care_team__members": user}) | Q(**{f"{prefix}responsible_surgeon": user})


def visible_episodes(user: User) -> QuerySet[Episode]:
    episodes = Episode.objects.select_related("patient", "responsible_surgeon", "care_team").filter(
        patient__site_id=user.site_id
    )
    if permissions.sees_whole_site(user):
        return episodes
    if permissions.sees_care_team_records(user):
        return episodes.filter(pk__in=Episode.objects.filter(_episodes_q(user)).values("pk"))
    if permissions.is_patient(user):
        return episodes.filter(patient__user=user)
    return episodes.none()


def visible_patients(user: User) -> QuerySet[Patient]:
    patients = Patient.objects.filter(site_id=user.site_id)
    if permissions.sees_whole_site(user):
        return patients
    if permissions.sees_care_team_records(user):
        return patients.filter(
            pk__in=Episode.objects.filter(_episodes_q(user)).values("patient_id")
        )
    if permissions.is_patient(user):
        return patients.filter(user=user)
    return Patient.objects.none()


def patient_id_of(patient: Patient) -> int:
    return patient.pk


def episode_patient_id(episode: Episode) -> int:
    return episode.patient_id


PATIENTS = register(RecordAccess("patient", visible_patients, patient_id_of))
EPISODES = register(RecordAccess("episode", visible_episodes, episode_patient_id))


def patient_for(actor: Actor, pk: int | str, *, purpose: Purpose = "view") -> Patient:
    """The patient ``pk`` if the actor may use it for ``purpose``; else 404 or 403.

    A successful ``view`` is recorded in the audit log; edits are recorded by
    the action that performs them.
    """
    return PATIENTS.get(actor, pk, purpose=purpose)


def episode_for(actor: Actor, pk: int | str, *, purpose: Purpose = "view") -> Episode:
    """The episode ``pk`` if the actor may use it for ``purpose``; else 404 or 403."""
    return EPISODES.get(actor, pk, purpose=purpose)


def require_editor(actor: Actor, refusal: str) -> User:
    """The acting user if their role may change records; else ``PermissionDenied(refusal)``."""
    if actor.user is None or not permissions.may_change_clinical_records(actor.user):
        raise PermissionDenied(refusal)
    return actor.user
