"""Operative planning suggestions for MIS hallux valgus correction (DOMAIN §3, §4).

Advice only: every suggestion carries the rule that raised it, the inputs it
used and its source, and the surgeon accepts or changes each one. Rule ids
(R-SEL-n, R-PLAN-1) are DOMAIN's.

The translation needed follows the contract's first-order planning model
(spec/measurements.md, "Planning model"): moving the head laterally by ``d``
at a distance ``L`` from the base turns the first metatarsal's axis by
``atan(d / L)``, so ``d = L · tan(IMA_pre − IMA_target)``. It ignores
rotation, shortening and soft-tissue effects, and says so wherever it is shown.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from halluxpath.core import plausibility
from halluxpath.core.vocabulary import Labelled

MODEL_LIMITS = (
    "First-order geometric model: it ignores rotation, shortening and soft-tissue "
    "effects; dorsal or plantar displacement and lost contact are invisible on the DP "
    "view; one manual IMA reading varies by ±3.6°, which can exceed the planned step "
    "(DOMAIN §4, limits)."
)
UPPER_REPORTED_SHIFT_PCT = 80.0  # R-PLAN-1: 80-100 % is the upper end of reported MIS shifts
MAX_TRANSLATION_PCT = 100.0  # R-SEL-5
DEFAULT_TARGET_IMA_DEG = 7.0
# Population averages of first metatarsal shaft width (60 adults, one population) [50].
AVERAGE_SHAFT_WIDTH_MM = {"female": 11.7, "male": 13.7}
AVERAGE_SHAFT_WIDTH_SOURCE = "DOMAIN §4 [50]: 11.7 mm women, 13.7 mm men (one population)"

# Plausible planning inputs. DOMAIN §4 gives sanity ranges for the first
# metatarsal (length 50.1 ± 3.1 mm women, 56.4 ± 4.4 mm men; width 11.7 ± 0.9 /
# 13.7 ± 1.0 mm [50]); the ranges below are those means widened well past
# four standard deviations (a lever arm is a little shorter than the bone).
# DOMAIN has no range for the angles: theirs are the project's choice, far
# beyond the severe grades of DOMAIN §2 (IMA ≥ 18°, HVA ≥ 40°), so that a
# value outside them is a misplaced landmark rather than a foot. Outside
# them no translation or technique is computed from that value, and the
# suggestion says why (a warning, not a refusal).
_FILM_RANGES = {r.key: r for r in plausibility.RANGES}
PLAUSIBLE: dict[str, tuple[float, float, str, str]] = {
    # The film's measures: the same limits the measurement warns at (core.plausibility).
    **{
        key: (r.low, r.high, r.unit, r.label)
        for key, r in _FILM_RANGES.items()
        if key in ("ima_deg", "hva_deg", "hvia_deg", "dmaa_deg")
    },
    "shaft_width_mm": (
        _FILM_RANGES["osteotomy_width_mm"].low,
        _FILM_RANGES["osteotomy_width_mm"].high,
        " mm",
        "shaft width",
    ),
    "lever_mm": (25.0, 90.0, " mm", "lever arm L"),
}
PLAUSIBLE_SOURCE = (
    "DOMAIN §4 sanity ranges [50]; angle ranges: HalluxPath's choice (DOMAIN §2 grades)"
)


class Technique(Labelled):
    """The operations a plan chooses between (DOMAIN §3)."""

    MIS_DISTAL = (
        "mis_distal_metatarsal_osteotomy",
        "MIS distal metatarsal osteotomy (3rd/4th generation)",
    )
    MTP_ARTHRODESIS = "mtp_arthrodesis", "First MTP joint fusion (arthrodesis)"
    LAPIDUS = "lapidus", "First TMT fusion (Lapidus)"
    OPEN_PROXIMAL = "open_proximal_osteotomy", "Proximal (basal) osteotomy"
    DEFER = "defer", "Defer surgery"


class ArthritisGrade(Labelled):
    """First MTP joint arthritis, judged clinically and on the film (R-SEL-1)."""

    NONE = "none", "None"
    MILD = "mild", "Mild"
    MODERATE = "moderate", "Moderate"
    SEVERE = "severe", "Severe"


class HeadLateralEdge(Labelled):
    """The lateral edge of the first metatarsal head, the round sign (R-SEL-8)."""

    NOT_ASSESSABLE = "not_assessable", "Not assessed"
    ANGULAR = "angular", "Angular"
    INTERMEDIATE = "intermediate", "Intermediate"
    ROUND = "round", "Round"


class Bone(Labelled):
    M1 = "m1", "First metatarsal"
    P1 = "p1", "Proximal phalanx"


class ImplantKind(Labelled):
    """DOMAIN §5 implant kinds."""

    BEVEL_TIP_SCREW = "bevel_tip_screw", "Bevel-tip screw"
    CANNULATED_SCREW = "cannulated_screw", "Cannulated screw"
    SOLID_SCREW = "solid_screw", "Solid screw"
    K_WIRE = "k_wire", "K-wire"
    STAPLE = "staple", "Staple"
    PLATE = "plate", "Plate"


@dataclass(frozen=True)
class Finding:
    """One rule that fired: what it suggests, why, and from where."""

    rule: str
    suggestion: str
    reason: str
    source: str
    level: str = "advice"  # "advice", "warning" or "stop"


@dataclass(frozen=True)
class TranslationPlan:
    ima_pre_deg: float
    ima_target_deg: float
    lever_mm: float
    shaft_width_mm: float
    shift_mm: float
    shift_pct: float
    reachable: bool
    limits: str = MODEL_LIMITS


@dataclass(frozen=True)
class PlanningInputs:
    """What the suggestions are computed from: the film and the clinical findings."""

    hva_deg: float | None
    ima_deg: float
    hvia_deg: float | None = None
    dmaa_deg: float | None = None
    sesamoid_position: int | None = None
    severity: str | None = None
    m1_head_lateral_edge: str = HeadLateralEdge.NOT_ASSESSABLE  # a HeadLateralEdge value
    mtp_arthritis_grade: str = ArthritisGrade.NONE  # an ArthritisGrade value
    painful_stiff_mtp: bool = False
    first_ray_instability: bool = False
    inflammatory_forefoot_destruction: bool = False
    growth_plates_open: bool = False
    surgeon_mis_trained: bool = True


IMPLANT_LABELS = {
    kind.value: kind.label if kind is ImplantKind.K_WIRE else kind.label.lower()
    for kind in ImplantKind
}


@dataclass(frozen=True)
class FixationItem:
    bone: str  # "m1" or "p1"
    kind: str  # DOMAIN §5 implant kinds
    count: int
    diameter_mm: tuple[float, float] | None  # usual range, where a source gives one
    note: str

    @property
    def kind_label(self) -> str:
        return IMPLANT_LABELS.get(self.kind, self.kind)

    @property
    def bone_label(self) -> str:
        return dict(Bone.choices()).get(self.bone, self.bone)


@dataclass(frozen=True)
class PlanSuggestion:
    technique: str
    technique_label: str
    akin: bool
    fixation: tuple[FixationItem, ...]
    translation: TranslationPlan | None
    findings: tuple[Finding, ...] = field(default_factory=tuple)


TECHNIQUE_LABELS = dict(Technique.choices())


def translation_needed(
    ima_pre_deg: float, ima_target_deg: float, lever_mm: float, shaft_width_mm: float
) -> TranslationPlan:
    """``d = L · tan(IMA_pre − IMA_target)``, in mm and as % of shaft width.

    DOMAIN §4 test case: L = 50 mm, IMA 15° → 7° gives 7.0 mm, 59 % of a 12 mm shaft.

    The shift is capped at what translation can do (100 % of the shaft width,
    R-SEL-5): beyond it the plan says the target cannot be reached, and never
    shows a shift of several shaft widths. Raises ``ValueError`` for a value
    that is not a finite number, a non-positive lever arm or width, a target
    outside -5° to 20°, or a pre-operative IMA outside -85° to 85° (no angle
    between two metatarsals lies there, and the step stays under 90°).
    """
    values = (ima_pre_deg, ima_target_deg, lever_mm, shaft_width_mm)
    if not all(math.isfinite(v) for v in values):
        raise ValueError("every value must be a finite number")
    if lever_mm <= 0 or shaft_width_mm <= 0:
        raise ValueError("the lever arm and the shaft width must be positive")
    if not (-5 <= ima_target_deg <= 20):
        raise ValueError("the target IMA must lie between -5° and 20°")
    if not (-85 < ima_pre_deg < 85):
        raise ValueError("the pre-operative IMA must lie between -85° and 85°")
    step = max(ima_pre_deg - ima_target_deg, 0.0)
    shift = lever_mm * math.tan(math.radians(step))
    pct = 100 * shift / shaft_width_mm
    reachable = pct <= MAX_TRANSLATION_PCT
    if not reachable or not math.isfinite(pct):
        pct = MAX_TRANSLATION_PCT
        shift = shaft_width_mm * MAX_TRANSLATION_PCT / 100
    return TranslationPlan(
        ima_pre_deg,
        ima_target_deg,
        lever_mm,
        shaft_width_mm,
        shift,
        pct,
        reachable=reachable,
    )


def implausible(values: Mapping[str, float | None]) -> list[Finding]:
    """A warning for each value outside its ``PLAUSIBLE`` range (or not a finite number)."""
    found = []
    for name, value in values.items():
        if value is None or name not in PLAUSIBLE:
            continue
        low, high, unit, label = PLAUSIBLE[name]
        if math.isfinite(value) and low <= value <= high:
            continue
        shown = f"{value:.1f}{unit}" if math.isfinite(value) else "not a number"
        found.append(
            Finding(
                "R-PLAN-0",
                "implausible_input",
                f"The {label} of {shown} lies outside {low:g} to {high:g}{unit}, the range "
                "a foot's film gives: check the landmarks. Nothing is suggested from it.",
                PLAUSIBLE_SOURCE,
                "warning",
            )
        )
    return found


Point = Sequence[float]


def lever_arm_mm(
    points: Mapping[str, Point], pixel_spacing_mm: tuple[float, float] | None
) -> float | None:
    """Base centre to head along the first metatarsal, in mm: the planning model's ``L``.

    The head is the middle of its articular surface (``m1_articular_medial`` and
    ``m1_articular_lateral``), projected on the M1 axis (``m1_proximal`` to
    ``m1_distal``); ``pixel_spacing_mm`` is (row, column) in DICOM order
    (spec/measurements.md, "Planning model"; DOMAIN §4). Without the articular
    landmarks or a pixel size there is no lever arm and the surgeon enters it;
    a head that projects at or behind the base gives None too.
    """
    needed = ("m1_proximal", "m1_distal", "m1_articular_medial", "m1_articular_lateral")
    if not pixel_spacing_mm or any(name not in points for name in needed):
        return None
    row, column = pixel_spacing_mm

    def mm(name: str) -> tuple[float, float]:
        x, y = points[name][0], points[name][1]
        return (x * column, y * row)

    base, distal = mm("m1_proximal"), mm("m1_distal")
    medial, lateral = mm("m1_articular_medial"), mm("m1_articular_lateral")
    head = ((medial[0] + lateral[0]) / 2, (medial[1] + lateral[1]) / 2)
    axis = (distal[0] - base[0], distal[1] - base[1])
    length = math.hypot(*axis)
    if length == 0:
        return None
    along = ((head[0] - base[0]) * axis[0] + (head[1] - base[1]) * axis[1]) / length
    return round(along, 1) if along > 0 else None


def default_shaft_width_mm(measured_mm: float | None, sex: str) -> float:
    """The shaft width at the osteotomy: measured on the film, else the population average."""
    return measured_mm or AVERAGE_SHAFT_WIDTH_MM.get(sex, 12.7)


@dataclass(frozen=True)
class PlanFigures:
    """What the plan computes from the film and the surgeon's findings (never typed in)."""

    lever_mm: float | None  # the lever arm used: the surgeon's, else the film's
    lever_mm_from_film: float | None
    shaft_width_mm: float
    translation: TranslationPlan | None
    suggestion: PlanSuggestion


def plan_figures(
    inputs: PlanningInputs,
    *,
    target_ima_deg: float,
    lever_mm_from_film: float | None,
    lever_mm_entered: float | None,
    shaft_width_mm: float,
) -> PlanFigures:
    """The lever arm, the translation needed and the suggestion, from one set of inputs.

    The page's preview and the saving action both call this, so what the
    surgeon saw is what is stored.
    An implausible IMA, lever arm or shaft width (``PLAUSIBLE``) gives no
    translation; the suggestion carries a warning that says why.
    """
    lever = lever_mm_entered or lever_mm_from_film
    doubtful = implausible({"lever_mm": lever, "shaft_width_mm": shaft_width_mm})
    translation = (
        translation_needed(inputs.ima_deg, target_ima_deg, lever, shaft_width_mm)
        if lever and not doubtful and not implausible({"ima_deg": inputs.ima_deg})
        else None
    )
    return PlanFigures(
        lever,
        lever_mm_from_film,
        shaft_width_mm,
        translation,
        suggest(inputs, translation, doubtful),
    )


def suggest(
    inputs: PlanningInputs,
    translation: TranslationPlan | None,
    warnings: Sequence[Finding] = (),
) -> PlanSuggestion:
    """Technique, Akin and fixation suggestions with the rules behind them (DOMAIN §3).

    An angle outside its ``PLAUSIBLE`` range is not used: the suggestion warns
    about it (R-PLAN-0) and, for an implausible IMA, suggests deferring until the
    film is measured again. ``warnings`` are the caller's (an implausible lever
    arm or shaft width), listed first.
    """
    findings: list[Finding] = [
        *warnings,
        *implausible(
            {
                "ima_deg": inputs.ima_deg,
                "hva_deg": inputs.hva_deg,
                "hvia_deg": inputs.hvia_deg,
                "dmaa_deg": inputs.dmaa_deg,
            }
        ),
    ]
    doubtful = {
        name
        for name in ("ima_deg", "hva_deg", "hvia_deg", "dmaa_deg")
        if implausible({name: getattr(inputs, name)})
    }
    technique: Technique = Technique.MIS_DISTAL
    if inputs.growth_plates_open:
        technique = Technique.DEFER
        findings.append(
            Finding(
                "R-SEL-9",
                "defer_until_mature",
                "Growth plates are open: recurrence is likelier before skeletal maturity.",
                "DOMAIN §3 R-SEL-9 [10]",
                "stop",
            )
        )
    severe_arthritis = (ArthritisGrade.MODERATE, ArthritisGrade.SEVERE)
    if inputs.mtp_arthritis_grade in severe_arthritis or inputs.painful_stiff_mtp:
        stiff = " and the joint is painful and stiff" if inputs.painful_stiff_mtp else ""
        technique = Technique.MTP_ARTHRODESIS if technique != Technique.DEFER else technique
        findings.append(
            Finding(
                "R-SEL-1",
                "mtp_arthrodesis",
                f"First MTP joint arthritis is {inputs.mtp_arthritis_grade}{stiff}: "
                "a joint-preserving osteotomy is relatively contraindicated.",
                "DOMAIN §3 R-SEL-1 [35][36]",
                "warning",
            )
        )
    if inputs.inflammatory_forefoot_destruction:
        technique = Technique.MTP_ARTHRODESIS if technique != Technique.DEFER else technique
        findings.append(
            Finding(
                "R-SEL-3",
                "mtp_arthrodesis",
                "Inflammatory arthritis has destroyed forefoot joints.",
                "DOMAIN §3 R-SEL-3 [35][36]",
                "warning",
            )
        )
    if inputs.first_ray_instability:
        findings.append(
            Finding(
                "R-SEL-2",
                "consider_lapidus",
                "First-ray instability was recorded clinically "
                "(no validated radiographic threshold).",
                "DOMAIN §3 R-SEL-2 [1][2]",
                "warning",
            )
        )
    distal = technique == Technique.MIS_DISTAL
    if translation is not None and distal:
        if not translation.reachable:
            technique = Technique.OPEN_PROXIMAL
            distal = False
            findings.append(
                Finding(
                    "R-SEL-5",
                    "translation_cannot_reach_target",
                    "The shift needed is more than 100 % of the shaft width: translation "
                    "alone cannot reach the target IMA. Consider a "
                    "proximal, rotational or fusion option.",
                    "spec/measurements.md planning model; DOMAIN §3 R-SEL-5",
                    "warning",
                )
            )
        elif translation.shift_pct > UPPER_REPORTED_SHIFT_PCT:
            findings.append(
                Finding(
                    "R-PLAN-1",
                    "upper_end_of_reported_shifts",
                    f"The shift needed is {translation.shift_pct:.0f} % of the shaft width: the "
                    "upper end of reported MIS shifts; check contact.",
                    "DOMAIN §4 R-PLAN-1 [47][45]",
                    "warning",
                )
            )
    if distal and inputs.severity == "severe":
        findings.append(
            Finding(
                "R-SEL-4",
                "distal_mis_at_upper_limit",
                "Severe deformity: in an RCT, HVA > 15° "
                "at 2 years in 39 % after distal vs 17.5 % after proximal MICA.",
                "DOMAIN §3 R-SEL-4 [29][47]",
                "warning",
            )
        )
    akin = inputs.hvia_deg is not None and "hvia_deg" not in doubtful and inputs.hvia_deg >= 10
    if akin and inputs.hvia_deg is not None:
        findings.append(
            Finding(
                "R-SEL-6",
                "add_akin",
                f"HVIA is {inputs.hvia_deg:.1f}° (10° or more): add an Akin "
                "osteotomy of the proximal phalanx. Residual HVA after the metatarsal correction "
                "is also a reason, judged by the surgeon.",
                "DOMAIN §3 R-SEL-6 [14][42][37]",
            )
        )
    if inputs.dmaa_deg is not None and "dmaa_deg" not in doubtful and inputs.dmaa_deg >= 10:
        findings.append(
            Finding(
                "R-SEL-7",
                "incongruent_joint_risk",
                f"DMAA is {inputs.dmaa_deg:.1f}° (10° or "
                "more): consider biplanar or rotational head correction. DMAA is the least "
                "reliable angle.",
                "DOMAIN §3 R-SEL-7 [14][18][48]",
            )
        )
    if inputs.m1_head_lateral_edge == HeadLateralEdge.ROUND or (inputs.sesamoid_position or 0) >= 5:
        findings.append(
            Finding(
                "R-SEL-8",
                "rotation_to_address",
                "A round lateral edge of the first metatarsal "
                "head or a sesamoid position of 5 or more suggests pronation: consider head "
                "supination or a Lapidus.",
                "DOMAIN §3 R-SEL-8 [24][25][30]",
            )
        )
    if not inputs.surgeon_mis_trained:
        findings.append(
            Finding(
                "R-SEL-10",
                "nice_ipg789_training",
                "No MIS training is recorded for the "
                "surgeon: NICE IPG789 asks for specific training.",
                "DOMAIN §3 R-SEL-10 [8]",
                "warning",
            )
        )
    if "ima_deg" in doubtful and technique == Technique.MIS_DISTAL:
        technique = Technique.DEFER
    fixation = _fixation(technique, akin)
    return PlanSuggestion(
        technique, TECHNIQUE_LABELS[technique], akin, fixation, translation, tuple(findings)
    )


def _fixation(technique: str, akin: bool) -> tuple[FixationItem, ...]:
    """The usual fixation of the suggested technique (DOMAIN §3 generations table)."""
    if technique != Technique.MIS_DISTAL:
        return ()
    items = [
        FixationItem(
            "m1",
            "bevel_tip_screw",
            2,
            (3.5, 4.0),
            "Two fully threaded bevel-tip screws across the osteotomy "
            "(3rd/4th generation; a one-screw variant exists). DOMAIN §3 [39][46]",
        )
    ]
    if akin:
        items.append(
            FixationItem(
                "p1",
                "cannulated_screw",
                1,
                None,
                "One screw across the Akin osteotomy; size chosen by the "
                "surgeon. DOMAIN §3 [39][43]",
            )
        )
    return tuple(items)
