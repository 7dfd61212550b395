"""Sample records for the access matrix (tests/test_access_matrix.py)."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model

from halluxpath.patients.models import Episode
from halluxpath.research.models import ResearchExport


def _export(episode: Episode) -> Model:
    """An export of the episode's site (the matrix's relation is the site's)."""
    return ResearchExport.objects.create(
        site_id=episode.patient.site_id,
        requested_by=episode.responsible_surgeon,
        purpose="Matrix sample",
        pseudonym_key="00" * 32,
    )


SAMPLES: dict[str, Callable[[Episode], Model]] = {"research_export": _export}
