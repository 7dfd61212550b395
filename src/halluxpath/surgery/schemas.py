"""Typed inputs of the surgical actions, the same for the pages and the JSON API.

A form's cleaned data is validated into one of these (``Model.model_validate``)
and the API takes them as its request bodies, so both front doors hand an
action exactly the same thing. Enumerations are the core's (``core.risk``,
``core.planning``, ``core.operative``, ``core.checklist``), so OpenAPI lists
their values. No input carries a figure the software computes (risk flags,
lever arm, translation, suggestion): the actions derive those from stored
records.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from django.utils import timezone
from django.utils.formats import date_format
from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field

from halluxpath.core.checklist import Phase
from halluxpath.core.operative import (
    Closure,
    Dressing,
    IncisionSite,
    Instrument,
    IntraopEvent,
    LateralRelease,
    OsteotomyLevel,
    OsteotomyType,
    Sedation,
    SoftTissueRepair,
    TourniquetSite,
)
from halluxpath.core.planning import (
    DEFAULT_TARGET_IMA_DEG,
    ArthritisGrade,
    Bone,
    HeadLateralEdge,
    ImplantKind,
    Technique,
)
from halluxpath.core.risk import (
    Anaesthesia,
    AnaesthesiaReason,
    AsaGrade,
    Diabetes,
    InflammatoryArthritis,
    Neuropathy,
    Oestrogen,
    Smoking,
)

# Plausible dates on the surgical record (issue 12, items 11-12): nothing
# before 2000-01-01 (older than any record this clinic keeps, and far from
# the date arithmetic's limits), nothing recorded as done in the future.
# Rows stored before these limits still read and render.
EARLIEST_DATE = dt.date(2000, 1, 1)


def past_clinical_date(value: dt.date) -> dt.date:
    """A date something was done or measured: 2000-01-01 to today (the clinic's day)."""
    if value < EARLIEST_DATE:
        raise ValueError(f"the date cannot be before {date_format(EARLIEST_DATE)}")
    if value > timezone.localdate():
        raise ValueError("the date cannot be in the future")
    return value


PastDate = Annotated[dt.date, AfterValidator(past_clinical_date)]


class Input(Schema):
    """An action's input: immutable, unknown keys refused, no NaN or infinity."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class AssessmentInput(Input):
    """The pre-operative findings as recorded (DOMAIN §6 "recorded as")."""

    smoking: Smoking = Smoking.NEVER
    diabetes: Diabetes = Diabetes.NONE
    hba1c_mmol_mol: float | None = None
    hba1c_date: PastDate | None = None
    neuropathy: Neuropathy = Neuropathy.NONE
    foot_pulses_absent: bool = False
    abpi: float | None = None
    ankle_pressure_mmhg: float | None = None
    inflammatory_arthritis: InflammatoryArthritis = InflammatoryArthritis.NONE
    steroid: bool = False
    immunosuppressants: str = Field(default="", max_length=200)
    bmi: float | None = None
    asa_grade: AsaGrade = AsaGrade.I
    previous_surgery_same_foot: bool = False
    allergies: str = Field(default="", max_length=300)
    anticoagulant: str = Field(default="", max_length=200)
    vte_history: bool = False
    vte_family_history: bool = False
    recent_cancer: bool = False
    oestrogen: Oestrogen = Oestrogen.NONE
    immobilisation_planned: bool = False
    vte_bleeding_assessed: bool = False
    vte_decision: str = Field(default="", max_length=300)
    anaesthesia: Anaesthesia = Anaesthesia.ANKLE_BLOCK
    anaesthesia_reason: AnaesthesiaReason = AnaesthesiaReason.PREFERENCE
    anaesthesia_reason_detail: str = Field(default="", max_length=300)


class PlanFindings(Input):
    """What the surgeon observes and targets; the film's angles come from the stored reading."""

    mtp_arthritis_grade: ArthritisGrade = ArthritisGrade.NONE
    painful_stiff_mtp: bool = False
    first_ray_instability: bool = False
    inflammatory_forefoot_destruction: bool = False
    m1_head_lateral_edge: HeadLateralEdge = HeadLateralEdge.NOT_ASSESSABLE
    growth_plates_open: bool = False
    surgeon_mis_trained: bool = True
    target_ima_deg: float = Field(default=DEFAULT_TARGET_IMA_DEG, ge=-5, le=20)
    lever_mm: float | None = Field(
        default=None,
        ge=10,
        le=120,
        description="The surgeon's lever arm L; leave out to use the film's landmarks",
    )
    shaft_width_mm: float | None = Field(
        default=None,
        ge=5,
        le=30,
        description="The surgeon's shaft width; leave out to use the film's or the average",
    )


class FixationRow(Input):
    """One line of the fixation plan (DOMAIN §5 implant kinds and sanity ranges)."""

    bone: Bone
    kind: ImplantKind
    count: int = Field(ge=1, le=6)
    diameter_mm: float = Field(ge=1.0, le=5.0)
    length_mm: float = Field(ge=8, le=80)


class PlanChoice(Input):
    """What the surgeon decides."""

    technique: Technique
    akin: bool = False
    fixation: list[FixationRow] = Field(default_factory=list, max_length=6)
    notes: str = Field(default="", max_length=2000)


class PlanInput(Input):
    findings: PlanFindings
    choice: PlanChoice


class IncisionInput(Input):
    site: IncisionSite
    length_mm: float


class ImplantInput(Input):
    """An implant used; core.operative refuses one without its kind or size."""

    bone: Bone | None = None
    kind: ImplantKind | None = None
    diameter_mm: float | None = None
    length_mm: float | None = None
    manufacturer: str = Field(default="", max_length=100)
    lot: str = Field(default="", max_length=60)


class OperativeRecordFields(Input):
    """DOMAIN §5 fields as entered; the stored layout is core.operative.stored_content's."""

    anaesthesia_primary: Anaesthesia = Anaesthesia.ANKLE_BLOCK
    sedation: Sedation = Sedation.NONE
    tourniquet: bool = False
    tourniquet_site: TourniquetSite | None = None
    tourniquet_pressure_mmhg: float | None = None
    tourniquet_minutes: float | None = None
    lateral_release: LateralRelease = LateralRelease.NONE
    osteotomy_level: OsteotomyLevel | None = None
    osteotomy_type: OsteotomyType | None = None
    osteotomy_instrument: Instrument | None = None
    akin_done: bool = False
    translation_achieved_pct: float | None = None
    rotation: str = Field(default="", max_length=100)
    soft_tissue_repair: SoftTissueRepair = SoftTissueRepair.NONE
    exostectomy: bool = False
    closure: Closure | None = None
    dressing: Dressing | None = None
    fluoro_shots: int | None = None
    fluoro_time_s: float | None = None
    fluoro_dap_mgy_cm2: float | None = Field(default=None, ge=0)
    operative_time_min: float | None = None
    conversion_to_open: bool = False
    conversion_reason: str = Field(default="", max_length=300)
    intraop_events: list[IntraopEvent] = Field(default_factory=list)
    notes: str = Field(default="", max_length=4000)
    incisions: list[IncisionInput] = Field(default_factory=list, max_length=8)
    implants: list[ImplantInput] = Field(default_factory=list, max_length=8)


class OperativeRecordInput(Input):
    operated_on: PastDate
    content: OperativeRecordFields
    reason: str = Field(
        default="", max_length=500, description="Required once the record is signed (amendment)"
    )


class TeamInput(Input):
    """The theatre team by name (core.checklist.TeamRole); a name left empty keeps the one
    recorded at an earlier phase."""

    surgeon: str = Field(default="", max_length=150)
    anaesthetist: str = Field(default="", max_length=150)
    scrub_nurse: str = Field(default="", max_length=150, description="Scrub nurse or ODP")


class PhaseInput(Input):
    """One checklist phase completed: its items ticked and, at Sign In and Time Out, the mark."""

    phase: Phase
    ticked: list[int] = Field(default_factory=list)
    site_marked: bool = False
    marked_by: str = Field(default="", max_length=150)
    mark_visible_after_draping: bool | None = None
    team: TeamInput = Field(default_factory=TeamInput)


class ConsentSignatureInput(Input):
    """That the patient signed a consent sheet: when, and the interpreter if one was used."""

    signed_on: PastDate
    interpreter_name: str = Field(default="", max_length=150)
    interpreter_language: str = Field(default="", max_length=60)
