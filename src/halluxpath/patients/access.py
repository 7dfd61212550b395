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

import functools

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


def _episodes_q(user_id: int, prefix: str = "") -> Q:
    return Q(**{f"{prefix}care_team__members": user_id}) | Q(
        **{f"{prefix}responsible_surgeon_id": user_id}
    )


def visible_episodes(user: User) -> QuerySet[Episode]:
    return _visible_episodes(user.pk, user.site_id, _scope(user)).all()


def visible_patients(user: User) -> QuerySet[Patient]:
    return _visible_patients(user.pk, user.site_id, _scope(user)).all()


# Which rule applies to a user (asked of the permissions each time).
SITE, TEAM, OWN, NOTHING = "site", "team", "own", "nothing"


def _scope(user: User) -> str:
    if permissions.sees_whole_site(user):
        return SITE
    if permissions.sees_care_team_records(user):
        return TEAM
    if permissions.is_patient(user):
        return OWN
    return NOTHING


# The query sets are built once per (user, site, rule) and handed out as
# fresh copies (``.all()``): every action and page asks for them, often
# several times, and building one (the care-team subquery's joins) cost more
# than running it (issue 13: the demo load). They hold no rows, only the
# query, so a copy sees the data as they are when it runs; a user whose role
# or site changes gets another key.
@functools.lru_cache(maxsize=512)
def _visible_episodes(user_id: int, site_id: int, scope: str) -> QuerySet[Episode]:
    episodes = Episode.objects.select_related("patient", "responsible_surgeon", "care_team").filter(
        patient__site_id=site_id
    )
    if scope == SITE:
        return episodes
    if scope == TEAM:
        return episodes.filter(pk__in=Episode.objects.filter(_episodes_q(user_id)).values("pk"))
    if scope == OWN:
        return episodes.filter(patient__user_id=user_id)
    return episodes.none()


@functools.lru_cache(maxsize=512)
def _visible_patients(user_id: int, site_id: int, scope: str) -> QuerySet[Patient]:
    patients = Patient.objects.filter(site_id=site_id)
    if scope == SITE:
        return patients
    if scope == TEAM:
        return patients.filter(
            pk__in=Episode.objects.filter(_episodes_q(user_id)).values("patient_id")
        )
    if scope == OWN:
        return patients.filter(user_id=user_id)
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
