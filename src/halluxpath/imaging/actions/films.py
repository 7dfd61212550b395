"""Storing a film: the upload (page and API) and the one storing step every path shares."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from halluxpath.accounts.models import User
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.frontdoor import page_only
from halluxpath.imaging import storage
from halluxpath.imaging.actions._shared import _editor
from halluxpath.imaging.ingest import IngestedImage, ingest
from halluxpath.imaging.limits import UploadRefused
from halluxpath.imaging.models import DEIDENTIFICATION, Radiograph, SpacingSource
from halluxpath.imaging.schemas import FilmDetails
from halluxpath.patients.access import episode_for
from halluxpath.patients.models import Episode
from halluxpath.sites.keys import deid_key


@page_only(
    "the storing step inside upload_radiograph (which the API offers) and the demo loader; "
    "it trusts an episode and an ingested image already checked, so no front door calls it"
)
@contextmanager
def stored_radiograph(
    episode: Episode,
    image: IngestedImage,
    *,
    time_point: str,
    acquired_on: dt.date,
    weight_bearing: bool,
    uploaded_by: User,
) -> Iterator[Radiograph]:
    """Write an ingested film's files and its row in one step.

    The body of the ``with`` runs inside the same transaction (to add the
    audit event, or the demo's landmarks); if anything fails, the row is rolled
    back and the files are removed, so nothing is left behind.
    """
    paths = storage.store(
        image.stored_bytes, image.stored_suffix, storage.encode_png(image.display)
    )
    try:
        with transaction.atomic():
            yield Radiograph.objects.create(
                episode=episode,
                time_point=time_point,
                acquired_on=acquired_on,
                weight_bearing=weight_bearing,
                laterality=image.laterality,
                source_format=image.source_format,
                stored_file=paths[0],
                display_file=paths[1],
                sha256=paths[2],
                width=image.width,
                height=image.height,
                row_spacing_mm=image.spacing.row_mm if image.spacing else None,
                column_spacing_mm=image.spacing.column_mm if image.spacing else None,
                spacing_source=image.spacing.source if image.spacing else SpacingSource.UNKNOWN,
                pixel_review=image.pixel_review,
                deidentification=DEIDENTIFICATION.stamp(image.deidentification),
                uploaded_by=uploaded_by,
            )
    except BaseException:
        storage.remove(paths[0], paths[1])
        raise


def upload_radiograph(
    actor: Actor, episode_id: int, upload: IO[bytes], size: int, details: FilmDetails
) -> Radiograph:
    """Check, de-identify and store a film for an episode.

    Raises ``ValidationError`` (with the reason a clinician can act on) for a
    file that cannot be accepted; in that case nothing is stored.
    """
    user = _editor(actor)
    episode = episode_for(actor, episode_id, purpose="edit")
    try:
        image = ingest(upload, size, uid_key=deid_key(episode.patient.site))
    except UploadRefused as refusal:
        record(
            actor,
            "create",
            object_type="radiograph",
            patient_id=episode.patient_id,
            outcome="failed",
            detail={"reason": str(refusal)[:300]},
        )
        raise ValidationError({"file": str(refusal)}) from None
    taken = details.acquired_on or image.acquired_on
    if taken is None:
        raise ValidationError(
            {"acquired_on": "The file does not say when it was taken: enter the date of the film."}
        )
    if taken > timezone.localdate():
        raise ValidationError({"acquired_on": "The film's date cannot be in the future."})
    if taken < episode.patient.date_of_birth:
        raise ValidationError({"acquired_on": "The film's date is before the patient was born."})
    if image.laterality and image.laterality != episode.side:
        raise ValidationError(
            {
                "file": f"The file says this is a {image.laterality.upper()} "
                f"foot, but this episode is for the "
                f"{episode.side.upper()} foot. Check the film and the "
                "episode."
            }
        )
    with stored_radiograph(
        episode,
        image,
        time_point=details.time_point,
        acquired_on=taken,
        weight_bearing=details.weight_bearing,
        uploaded_by=user,
    ) as radiograph:
        record(
            actor,
            "create",
            object_type="radiograph",
            object_id=radiograph.pk,
            patient_id=episode.patient_id,
            detail={
                "time_point": details.time_point.value,
                "acquired_on": taken,
                "format": image.source_format,
                "sha256": radiograph.sha256,
                "size": [image.width, image.height],
                "spacing_source": radiograph.spacing_source,
                "deidentification": image.deidentification,
            },
        )
    return radiograph
