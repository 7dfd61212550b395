"""Storing a film: the upload (page and API) and the one storing step every path shares."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from halluxpath.accounts.models import User
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.frontdoor import page_only
from halluxpath.imaging import storage
from halluxpath.imaging.actions._shared import _check_film_date, _editor, _side_word
from halluxpath.imaging.drawing import FilmOrder, file_facts
from halluxpath.imaging.ingest import IngestedImage, ingest
from halluxpath.imaging.limits import UploadRefused
from halluxpath.imaging.models import PendingDrawing, Radiograph
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
    laterality: str = "",
    view: str = "dp",
    display_png: bytes | None = None,
) -> Iterator[Radiograph]:
    """Write an ingested film's files and its row in one step.

    The body of the ``with`` runs inside the same transaction (to add the
    audit event, or the demo's landmarks); if anything fails, the row is rolled
    back and the files are removed, so nothing is left behind.

    ``laterality`` is a side the uploader read on the film itself (a PNG or
    JPEG says none): stored as recorded by them, now. The file's own side
    and date are kept beside the film's.

    ``display_png`` is the display copy already encoded by
    ``storage.encode_png(image.display)`` (the demo's film workers encode it
    beside the drawing, off this process); by default it is encoded here.
    """
    if display_png is None:
        display_png = storage.encode_png(image.display)
    paths = storage.store(image.stored_bytes, image.stored_suffix, display_png)
    try:
        with transaction.atomic():
            yield _created(
                episode,
                file_facts(image),
                paths,
                time_point=time_point,
                acquired_on=acquired_on,
                weight_bearing=weight_bearing,
                uploaded_by=uploaded_by,
                laterality=laterality,
                view=view,
            )
    except BaseException:
        storage.remove(paths[0], paths[1])
        raise


def _created(
    episode: Episode,
    facts: dict[str, Any],
    paths: tuple[str, str, str],
    *,
    time_point: str,
    acquired_on: dt.date,
    weight_bearing: bool,
    uploaded_by: User,
    laterality: str,
    view: str,
) -> Radiograph:
    """The film's row: the file's facts, and what the uploader entered beside them."""
    file_side, file_date = facts["file_laterality"], facts["file_acquired_on"]
    entered_side = bool(laterality) and not file_side
    now = timezone.now()
    return Radiograph.objects.create(
        episode=episode,
        time_point=time_point,
        acquired_on=acquired_on,
        weight_bearing=weight_bearing,
        view=view,
        laterality=file_side or laterality,
        laterality_recorded_by=uploaded_by if entered_side else None,
        laterality_recorded_at=now if entered_side else None,
        acquired_on_recorded_by=uploaded_by if acquired_on != file_date else None,
        acquired_on_recorded_at=now if acquired_on != file_date else None,
        stored_file=paths[0],
        display_file=paths[1],
        sha256=paths[2],
        uploaded_by=uploaded_by,
        **facts,
    )


@page_only(
    "the demo loader's storing step for a synthetic film drawn later (imaging.drawing); "
    "no front door makes a film without its file"
)
def pending_radiograph(
    episode: Episode,
    order: FilmOrder,
    facts: dict[str, Any],
    suffix: str,
    *,
    uploaded_by: User,
) -> Radiograph:
    """A synthetic film's row, its files to be drawn when first needed (``drawn``).

    ``facts`` are what its file will say (``file_facts`` of a film drawn the
    same way); drawing checks them and the file's own replace any that differ.
    Call inside the caller's transaction (the demo saves the landmarks with it).
    """
    stored, display = storage.reserved_paths(suffix)
    radiograph = _created(
        episode,
        facts,
        (stored, display, ""),
        time_point=order.plan.time_point,
        acquired_on=order.plan.taken,
        weight_bearing=True,
        uploaded_by=uploaded_by,
        laterality="",
        view="dp",
    )
    PendingDrawing.objects.create(radiograph=radiograph, order=order.to_json())
    return radiograph


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
    _check_film_date(taken, episode)
    entered = details.laterality.value if details.laterality else ""
    if image.laterality and entered and entered != image.laterality:
        raise ValidationError(
            {
                "laterality": f"The file says this is a {_side_word(image.laterality)} foot, "
                f"but you entered {_side_word(entered)}. Check the film: the file's own label "
                "cannot be overridden at upload."
            }
        )
    side = image.laterality or entered
    if side and side != episode.side:
        # Refused, not warned: a film of the other foot in this episode would
        # feed the Time Out's side check and the plan (DOMAIN §9).
        where = "The file says" if image.laterality else "You entered that"
        raise ValidationError(
            {
                "laterality" if not image.laterality else "file": (
                    f"{where} this is a {_side_word(side)} foot, but this episode is for "
                    f"the {_side_word(episode.side)} foot. Nothing was stored: check the "
                    "film, and upload it to the episode of the foot it shows."
                )
            }
        )
    with stored_radiograph(
        episode,
        image,
        time_point=details.time_point,
        acquired_on=taken,
        weight_bearing=details.weight_bearing,
        uploaded_by=user,
        laterality=entered,
        view=details.view.value,
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
                "laterality": radiograph.laterality,
                "laterality_source": "file" if image.laterality else ("staff" if entered else ""),
                "view": radiograph.view,
                "format": image.source_format,
                "sha256": radiograph.sha256,
                "size": [image.width, image.height],
                "spacing_source": radiograph.spacing_source,
                "deidentification": image.deidentification,
            },
        )
    return radiograph
