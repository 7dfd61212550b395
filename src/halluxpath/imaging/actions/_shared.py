"""What the imaging actions share: the role check and the locked, version-checked film."""

from __future__ import annotations

from halluxpath.accounts.models import User
from halluxpath.audit.context import Actor
from halluxpath.imaging.models import Radiograph
from halluxpath.patients.access import require_editor
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
