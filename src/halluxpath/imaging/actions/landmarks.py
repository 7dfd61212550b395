"""An observer's landmark set on a film, with the measures the core derives from it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.complications.actions.recurrence import propose_recurrence
from halluxpath.core.landmarks import LandmarkSet
from halluxpath.core.plausibility import ImplausibleValue, implausible_values
from halluxpath.core.radiograph import measure
from halluxpath.imaging.access import RADIOGRAPHS
from halluxpath.imaging.actions._shared import _editor, _locked_film
from halluxpath.imaging.models import Measurement
from halluxpath.registry.actions import refresh_case


class ImplausibleMeasures(ValidationError):
    """Measures outside their plausible range, not saved until the observer confirms them."""

    def __init__(self, warnings: list[ImplausibleValue]) -> None:
        self.warnings = warnings
        super().__init__(
            "Not saved yet: "
            + " ".join(w.message for w in warnings)
            + " Confirm to save these values anyway."
        )


def save_measurement(
    actor: Actor,
    radiograph_id: int,
    expected_version: int,
    landmarks: LandmarkSet,
    *,
    confirm_implausible: bool = False,
) -> Measurement:
    """Store one observer's landmark set, keeping their earlier sets as history.

    ``landmarks`` has passed the core's checks (spec/measurements.md, Errors);
    here they are checked against the film (inside the image, on the pixel
    size the film has now) and measured by the core, so no figure comes from
    the caller. ``expected_version`` is the film's version the observer
    measured on: a film calibrated or reviewed since is an ``EditConflict``.

    A measure outside its plausible range (core.plausibility) raises
    ``ImplausibleMeasures`` naming each one, and nothing is saved, unless
    ``confirm_implausible`` says the observer has seen the warning; the
    confirmed warnings are kept in the audit event.
    """
    user = _editor(actor)
    RADIOGRAPHS.get(actor, radiograph_id, purpose="edit")
    with transaction.atomic():
        radiograph = _locked_film(radiograph_id, expected_version)
        for name, (x, y) in landmarks.points.items():
            if not (0 <= x <= radiograph.width and 0 <= y <= radiograph.height):
                raise ValidationError(f"Landmark '{name}' lies outside the image.")
        if landmarks.pixel_spacing_mm != radiograph.pixel_spacing_mm:
            raise ValidationError(
                "The film's pixel size changed while you were measuring "
                "(someone calibrated it). Reload the page and save again."
            )
        results = measure(landmarks).to_json()
        warnings = implausible_values(results)
        if warnings and not confirm_implausible:
            raise ImplausibleMeasures(warnings)
        Measurement.objects.filter(
            radiograph=radiograph, observer=user, superseded_at__isnull=True
        ).update(superseded_at=timezone.now())
        measurement = Measurement.objects.create(
            radiograph=radiograph, observer=user, landmarks=landmarks.to_document(), results=results
        )
        record(
            actor,
            "create",
            object_type="measurement",
            object_id=measurement.pk,
            patient_id=radiograph.episode.patient_id,
            detail={
                "radiograph": radiograph.pk,
                "results": results,
                "confirmed_warnings": [w.to_json() for w in warnings],
            },
        )
        propose_recurrence(actor, measurement)  # DOMAIN §2: a proposal, never a record
        refresh_case(radiograph.episode_id)
    return measurement
