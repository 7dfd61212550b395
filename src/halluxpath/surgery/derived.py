"""What the surgical record derives from stored records, for the actions and the previews.

The actions call these to compute every clinical figure from what is stored
(the planning film's reading, the consent sheet's side); the pages call the
same functions only to show a preview. Reads go through the access helpers.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError

from halluxpath.audit.context import Actor
from halluxpath.core import checklist, operative, planning, risk
from halluxpath.imaging.access import MEASUREMENTS, RADIOGRAPHS
from halluxpath.imaging.models import Measurement, TimePoint
from halluxpath.patients.models import Episode
from halluxpath.surgery.access import CONSENT_SHEETS, PLANS
from halluxpath.surgery.schemas import AssessmentInput, OperativeRecordFields, PlanFindings

FINDING_FIELDS = (
    "m1_head_lateral_edge",
    "mtp_arthritis_grade",
    "painful_stiff_mtp",
    "first_ray_instability",
    "inflammatory_forefoot_destruction",
    "growth_plates_open",
    "surgeon_mis_trained",
)


CORE_ASSESSMENT_FIELDS = {f.name for f in dataclasses.fields(risk.Assessment)}


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def core_assessment(episode: Episode, data: AssessmentInput, today: dt.date) -> risk.Assessment:
    values = {k: v for k, v in data.model_dump().items() if k in CORE_ASSESSMENT_FIELDS}
    return risk.Assessment(age_years=age_on(episode.patient.date_of_birth, today), **values)


def planning_measurement(actor: Actor, episode: Episode) -> Measurement | None:
    """The landmarks to plan from: the user's own reading on the latest pre-operative film,
    else any current reading on it."""
    current = (
        MEASUREMENTS.queryset(actor)
        .filter(
            radiograph__episode=episode,
            radiograph__time_point=TimePoint.PRE_OPERATIVE,
            superseded_at__isnull=True,
        )
        .order_by("-radiograph__acquired_on", "-created_at")
    )
    own = current.filter(observer_id=actor.user.pk).first() if actor.user else None
    return own or current.first()


def _spacing(landmarks: dict[str, Any]) -> tuple[float, float] | None:
    """The stored pixel spacing as (row, column): one number means square pixels."""
    spacing = landmarks.get("pixel_spacing_mm")
    if isinstance(spacing, int | float):
        return (float(spacing), float(spacing))
    if isinstance(spacing, list | tuple) and len(spacing) == 2:
        return (float(spacing[0]), float(spacing[1]))
    return None


def film_lever_mm(measurement: Measurement) -> float | None:
    """The lever arm L from a stored reading's landmarks (core.planning.lever_arm_mm)."""
    landmarks = measurement.landmarks
    return planning.lever_arm_mm(landmarks.get("points", {}), _spacing(landmarks))


def film_shaft_width_mm(episode: Episode, measurement: Measurement) -> float:
    return planning.default_shaft_width_mm(
        measurement.results.get("osteotomy_width_mm"), episode.patient.sex
    )


def planning_inputs(findings: PlanFindings, results: dict[str, Any]) -> planning.PlanningInputs:
    if results.get("ima_deg") is None:
        raise ValidationError("The planning film has no IMA: measure the film's landmarks first.")
    chosen = findings.model_dump(include=set(FINDING_FIELDS))
    return planning.PlanningInputs(
        hva_deg=results.get("hva_deg"),
        ima_deg=float(results["ima_deg"]),
        hvia_deg=results.get("hvia_deg"),
        dmaa_deg=results.get("dmaa_deg"),
        sesamoid_position=results.get("sesamoid_position"),
        severity=results.get("severity"),
        **chosen,
    )


def figures(
    episode: Episode, measurement: Measurement, findings: PlanFindings
) -> planning.PlanFigures:
    """Lever arm, translation and suggestion from the stored reading and the findings."""
    try:
        return planning.plan_figures(
            planning_inputs(findings, measurement.results),
            target_ima_deg=findings.target_ima_deg,
            lever_mm_from_film=film_lever_mm(measurement),
            lever_mm_entered=findings.lever_mm,
            shaft_width_mm=findings.shaft_width_mm or film_shaft_width_mm(episode, measurement),
        )
    except ValueError as error:
        raise ValidationError(str(error)) from None


def laterality_for(actor: Actor, episode: Episode) -> checklist.LateralityCheck:
    """Episode side, the latest consent sheet's side, the planning (or latest pre-operative)
    film's label."""
    sheet = CONSENT_SHEETS.queryset(actor).filter(episode=episode).order_by("-number").first()
    plan = PLANS.queryset(actor).filter(episode=episode).select_related("measurement").first()
    film = None
    if plan is not None and plan.measurement_id is not None:
        film = RADIOGRAPHS.queryset(actor).filter(measurements=plan.measurement_id).first()
    if film is None:
        film = (
            RADIOGRAPHS.queryset(actor)
            .filter(episode=episode, time_point=TimePoint.PRE_OPERATIVE)
            .order_by("-acquired_on", "-pk")
            .first()
        )
    return checklist.check_laterality(
        episode.side,
        str(sheet.sheet_content.get("side", "")) if sheet else "",
        film.laterality if film else "",
    )


OSTEOTOMY_FIELDS = ("osteotomy_level", "osteotomy_type", "osteotomy_instrument")
LIST_FIELDS = ("incisions", "implants", "akin_done")


def record_content(fields: OperativeRecordFields) -> dict[str, Any]:
    """The stored layout of the entered fields (core.operative.stored_content), or a refusal."""
    values = fields.model_dump(mode="json")
    osteotomy = {name.removeprefix("osteotomy_"): values.pop(name) for name in OSTEOTOMY_FIELDS}
    akin_done = bool(values.pop("akin_done"))
    incisions, implants = values.pop("incisions"), values.pop("implants")
    try:
        return operative.stored_content(
            values,
            osteotomy=osteotomy if osteotomy["level"] is not None else None,
            akin_done=akin_done,
            incisions=incisions,
            implants=implants,
        )
    except operative.RecordError as error:
        raise ValidationError({error.field: str(error)}) from None
