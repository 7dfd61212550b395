"""What the imaging actions share: the role check, the locked film, the film date's limits."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from halluxpath.accounts.models import User
from halluxpath.audit.context import Actor
from halluxpath.imaging.models import Radiograph
from halluxpath.patients.access import require_editor
from halluxpath.patients.models import Episode
from halluxpath.records import check_version


def _editor(actor: Actor) -> User:
    return require_editor(actor, "Your role cannot add or change radiographs.")


def _locked_film(radiograph_id: int, expected_version: int) -> Radiograph:
    """The film row locked for this transaction; ``EditConflict`` if it moved on.

    Called inside ``transaction.atomic`` after the film was fetched through
    its access helper for editing.
    """
    radiograph = (
        Radiograph.objects.select_for_update().select_related("episode").get(pk=radiograph_id)
    )
    check_version("film", radiograph.version, expected_version)
    return radiograph


def _check_film_date(taken: dt.date, episode: Episode) -> None:
    """A film is taken on a day between the patient's birth and today."""
    if taken > timezone.localdate():
        raise ValidationError({"acquired_on": "The film's date cannot be in the future."})
    if taken < episode.patient.date_of_birth:
        raise ValidationError({"acquired_on": "The film's date is before the patient was born."})


def _side_word(side: str) -> str:
    return side.upper() if side else "no side"
