"""Who may see and change radiographs: whoever may see and change their episode.

Built on patients.access so the rules live in one place (docs/access.md).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from halluxpath.accounts.models import User
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.imaging.models import Radiograph
from halluxpath.patients.access import Purpose, may_edit, visible_episodes


def visible_radiographs(user: User) -> QuerySet[Radiograph]:
    return Radiograph.objects.filter(episode__in=visible_episodes(user)).select_related(
        "episode__patient"
    )


def radiograph_for(actor: Actor, pk: int | str, *, purpose: Purpose = "view") -> Radiograph:
    """The radiograph ``pk`` if the actor may use it for ``purpose``; else 404 or 403."""
    user = actor.user
    if user is None or not user.is_authenticated:
        raise PermissionDenied("sign in first")
    try:
        radiograph = visible_radiographs(user).get(pk=pk)
    except (Radiograph.DoesNotExist, ValueError, TypeError):
        record(actor, "view", object_type="radiograph", object_id=pk, outcome="denied")
        raise Http404("No such record.") from None
    patient_id = radiograph.episode.patient_id
    if purpose == "edit" and not may_edit(user):
        record(
            actor,
            "change",
            object_type="radiograph",
            object_id=radiograph.pk,
            patient_id=patient_id,
            outcome="denied",
        )
        raise PermissionDenied("Your role can view this film but not change it.")
    if purpose == "view":
        record(
            actor, "view", object_type="radiograph", object_id=radiograph.pk, patient_id=patient_id
        )
    return radiograph
