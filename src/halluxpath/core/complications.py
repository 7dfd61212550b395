"""Complications after bunion surgery: kinds, grades, published rates and the recurrence rule.

Why this module exists: a registry can only say "at what cost" if every
complication is recorded the same way: one kind from a fixed list (the seed's
five risks split as DOMAIN §7 does, plus the later ones the issue names), a
grade *with the system it was graded in*, and dates. Two grading systems are
in use (DOMAIN §7): Clavien-Dindo (Dindo 2004 [84]) and its orthopaedic
modification (Clavien-Dindo-Sink, Sink 2012 [85], extended by Dodwell 2018
[86], definitions from the conference abstract [87]). Their grades do not map
one to one (CD IIIa/IIIb against CDS III, CD II drugs against CDS II outpatient
treatment), so a grade is stored with its system and never converted.

The published rates (``PUBLISHED_RATES``) are what a dashboard shows beside a
site's own rate; each carries its DOMAIN §7 source number, and whether it is
from MIS burr-based series or from open / all hallux valgus surgery.

Recurrence (DOMAIN §2 and "Decisions taken on top of the literature"): HVA
above the site's threshold (> 15° by default, > 20° the alternative) on a
follow-up film at 6 months (182 days) or later after the operation. The rule
only *proposes*: a surgeon confirms or rejects each proposal, so nothing is
recorded silently.
"""

from __future__ import annotations

from dataclasses import dataclass

from halluxpath.core.vocabulary import Labelled


class Kind(Labelled):
    """What went wrong (DOMAIN §7 rows, the seed's five risks split as §7 splits them)."""

    INFECTION_SUPERFICIAL = "infection_superficial", "Infection, superficial (wound)"
    INFECTION_DEEP = "infection_deep", "Infection, deep (bone or joint)"
    NERVE_INJURY = "nerve_injury", "Nerve injury or numbness"
    VESSEL_INJURY = "vessel_injury", "Vessel injury"
    DELAYED_WOUND_HEALING = "delayed_wound_healing", "Delayed wound healing"
    BURR_BURN = "burr_burn", "Burr burn (skin)"
    STIFFNESS = "stiffness", "Stiffness of the big toe joint"
    RECURRENCE = "recurrence", "Recurrence of the bunion"
    MALUNION = "malunion", "Malunion (incl. M1 shortening)"
    NON_UNION = "non_union", "Non-union"
    HALLUX_VARUS = "hallux_varus", "Hallux varus (over-correction)"
    TRANSFER_METATARSALGIA = "transfer_metatarsalgia", "Transfer metatarsalgia"
    HARDWARE_IRRITATION = "hardware_irritation", "Hardware irritation or removal"
    AVASCULAR_NECROSIS = "avascular_necrosis", "Avascular necrosis of the M1 head"
    CRPS = "crps", "Complex regional pain syndrome (CRPS)"
    VENOUS_THROMBOSIS = "venous_thrombosis", "Venous thrombosis (DVT or PE)"
    OTHER = "other", "Other"


class GradeSystem(Labelled):
    """The grading system a grade belongs to (DOMAIN §7: store it, never convert)."""

    CLAVIEN_DINDO = "clavien_dindo", "Clavien-Dindo (Dindo 2004)"
    CDS_MODIFIED = "cds_modified", "Clavien-Dindo-Sink (orthopaedic modification)"


@dataclass(frozen=True)
class Grade:
    """One grade of one system, with the published definition a clinician grades by."""

    system: GradeSystem
    code: str
    definition: str
    source: str

    @property
    def label(self) -> str:
        return f"Grade {self.code}"

    @property
    def described(self) -> str:
        """The grade and its definition in one line (form choices, help text)."""
        return f"{self.label}: {self.definition}"


_CD = GradeSystem.CLAVIEN_DINDO
_CDS = GradeSystem.CDS_MODIFIED

# DOMAIN §7, Clavien-Dindo [84]. The suffix "d" (the complication persists at
# discharge) is not a grade of its own: ``resolved_on`` left empty says the same.
GRADES: dict[GradeSystem, tuple[Grade, ...]] = {
    _CD: (
        Grade(
            _CD,
            "I",
            "A deviation from the normal course needing no drugs beyond antiemetics, "
            "antipyretics, analgesics, diuretics, electrolytes or physiotherapy, and no "
            "intervention (opening a wound at the bedside included).",
            "DOMAIN §7 [84]",
        ),
        Grade(
            _CD,
            "II",
            "Other drugs needed (for example antibiotics, or an anticoagulant for a DVT), "
            "a blood transfusion or parenteral nutrition.",
            "DOMAIN §7 [84]",
        ),
        Grade(
            _CD,
            "IIIa",
            "A surgical, endoscopic or radiological intervention without general anaesthesia.",
            "DOMAIN §7 [84]",
        ),
        Grade(
            _CD,
            "IIIb",
            "A surgical, endoscopic or radiological intervention under general anaesthesia.",
            "DOMAIN §7 [84]",
        ),
        Grade(
            _CD,
            "IVa",
            "Life-threatening, needing intermediate or intensive care: single-organ "
            "dysfunction (dialysis included).",
            "DOMAIN §7 [84]",
        ),
        Grade(
            _CD,
            "IVb",
            "Life-threatening, needing intermediate or intensive care: multi-organ dysfunction.",
            "DOMAIN §7 [84]",
        ),
        Grade(_CD, "V", "Death of the patient.", "DOMAIN §7 [84]"),
    ),
    # DOMAIN §7, Clavien-Dindo-Sink [85][86], as its conference abstract defines it [87].
    _CDS: (
        Grade(
            _CDS,
            "I",
            "No deviation from routine follow-up: no treatment needed.",
            "DOMAIN §7 [87]",
        ),
        Grade(_CDS, "II", "Treated as an outpatient.", "DOMAIN §7 [87]"),
        Grade(
            _CDS,
            "III",
            "Needed investigations, readmission or a reoperation.",
            "DOMAIN §7 [87]",
        ),
        Grade(
            _CDS,
            "IVa",
            "Limb- or life-threatening, or potentially permanent, without long-term disability.",
            "DOMAIN §7 [87]",
        ),
        Grade(
            _CDS,
            "IVb",
            "Limb- or life-threatening, or potentially permanent, with long-term disability.",
            "DOMAIN §7 [87]",
        ),
        Grade(_CDS, "V", "Death of the patient.", "DOMAIN §7 [87]"),
    ),
}


def grades_of(system: str) -> tuple[Grade, ...]:
    """The grades of ``system`` in order; none for an unknown system."""
    try:
        return GRADES[GradeSystem(system)]
    except ValueError:
        return ()


def grade_of(system: str, code: str) -> Grade | None:
    """The grade ``code`` of ``system``, or None when that system has no such grade."""
    return next((g for g in grades_of(system) if g.code == code), None)


def is_grade_of(system: str, code: str) -> bool:
    """Whether ``code`` is a grade of ``system`` (CD "IIIa" is not a CDS grade)."""
    return grade_of(system, code) is not None


ALL_GRADE_CODES: tuple[str, ...] = tuple(
    dict.fromkeys(g.code for grades in GRADES.values() for g in grades)
)


# --- published rates (DOMAIN §7) ------------------------------------------------------------


@dataclass(frozen=True)
class PublishedRate:
    """One published rate: per cent (None when "not pooled"), what it counts, its source.

    ``upper_pct`` is set when the source gives a range (VTE 0.6-1.0 %). ``mis``
    says whether it comes from MIS burr-based series (mostly 3rd generation) or
    from open / all hallux valgus surgery (DOMAIN §7's two columns). MIS series
    come mostly from high-volume MIS centres and may under-report [77].
    """

    rate_pct: float | None
    description: str
    source: str
    mis: bool = True
    upper_pct: float | None = None


PUBLISHED_RATES: dict[Kind | str, tuple[PublishedRate, ...]] = {
    "any": (
        PublishedRate(16.6, "Any complication, 17 Shannon-burr studies, 1,088 procedures", "[78]"),
        PublishedRate(21.3, "Any complication, 163/766 feet, 3rd-gen chevron ± Akin", "[79]"),
        PublishedRate(13.0, "Any complication across MIS generations", "[80]", mis=False),
    ),
    Kind.INFECTION_SUPERFICIAL: (
        PublishedRate(1.1, "Infection (superficial and deep together)", "[78]"),
        PublishedRate(7.6, "Infection, percutaneous, mixed generations", "[82]", mis=False),
    ),
    Kind.INFECTION_DEEP: (
        PublishedRate(1.1, "Infection (superficial and deep together)", "[78]"),
        PublishedRate(7.6, "Infection, percutaneous, mixed generations", "[82]", mis=False),
    ),
    Kind.NERVE_INJURY: (
        PublishedRate(2.2, "Nerve injury or numbness (dorsomedial hallux nerve)", "[78]"),
    ),
    Kind.VESSEL_INJURY: (PublishedRate(None, "No pooled rate found (unverified)", "[49]"),),
    Kind.DELAYED_WOUND_HEALING: (
        PublishedRate(None, "Burr burn or delayed wound healing: no pooled rate found", "[49]"),
    ),
    Kind.BURR_BURN: (
        PublishedRate(None, "Burr burn or delayed wound healing: no pooled rate found", "[49]"),
    ),
    Kind.NON_UNION: (PublishedRate(0.4, "Non-union", "[78]"),),
    Kind.MALUNION: (
        PublishedRate(15.2, "M1 shortening, percutaneous, mixed generations", "[82]", mis=False),
    ),
    Kind.RECURRENCE: (
        PublishedRate(2.2, "Recurrence", "[78]"),
        PublishedRate(39.0, "Severe HV, distal MICA (HVA > 15°)", "[29]"),
        PublishedRate(17.5, "Severe HV, proximal MICA (HVA > 15°)", "[29]"),
        PublishedRate(4.9, "Recurrence, 229 mostly short-follow-up studies", "[32]", mis=False),
        PublishedRate(24.9, "Recurrence pooled, 23 studies, 2,914 people", "[31]", mis=False),
        PublishedRate(40.0, "After Scarf at 5 years or more (HVA > 15°)", "[28]", mis=False),
    ),
    Kind.HALLUX_VARUS: (PublishedRate(0.09, "Hallux varus", "[78]"),),
    Kind.STIFFNESS: (
        PublishedRate(None, "Stiffness: not pooled for MIS", "[78]"),
        PublishedRate(18.5, "Stiffness, percutaneous, mixed generations", "[82]", mis=False),
    ),
    Kind.TRANSFER_METATARSALGIA: (
        PublishedRate(0.1, "Transfer metatarsalgia", "[78]"),
        PublishedRate(6.3, "Transfer metatarsalgia (Barg, as cited)", "[83]", mis=False),
        PublishedRate(
            5.4, "Transfer metatarsalgia, percutaneous, mixed generations", "[82]", mis=False
        ),
    ),
    Kind.HARDWARE_IRRITATION: (
        PublishedRate(6.2, "Hardware irritation or removal", "[78]"),
        PublishedRate(6.0, "Hardware irritation, 3/50 in one series", "[57]"),
    ),
    Kind.AVASCULAR_NECROSIS: (PublishedRate(0.0, "Avascular necrosis", "[78]"),),
    Kind.CRPS: (
        PublishedRate(4.36, "CRPS, 17/390, elective foot and ankle surgery", "[71]", mis=False),
    ),
    Kind.VENOUS_THROMBOSIS: (
        PublishedRate(0.6, "Symptomatic VTE", "[74]", mis=False, upper_pct=1.0),
    ),
    "reoperation": (
        PublishedRate(None, "Reoperation: among the commonest events", "[79]"),
        PublishedRate(2.0, "Conversion to open, 1/50", "[57]"),
    ),
}


# --- from a triage alert to a complication (DOMAIN §12 → §7) -------------------------------

# The kind a red-flag rule most likely points to, to prefill the form; the
# clinician changes it when the review found something else.
ALERT_RULE_KINDS: dict[str, Kind] = {
    "R1": Kind.VENOUS_THROMBOSIS,  # breathlessness or chest pain: pulmonary embolism
    "R2": Kind.VENOUS_THROMBOSIS,  # calf pain or swelling: DVT
    "R3": Kind.INFECTION_SUPERFICIAL,  # fever
    "R4": Kind.INFECTION_DEEP,  # signs of sepsis
    "R5": Kind.INFECTION_SUPERFICIAL,  # spreading redness
    "R6": Kind.INFECTION_SUPERFICIAL,  # pus or foul discharge
    "R7": Kind.DELAYED_WOUND_HEALING,  # wound open
    "R11": Kind.VESSEL_INJURY,  # cold or discoloured toes
    "R12": Kind.NERVE_INJURY,  # new numbness
    "R14": Kind.HARDWARE_IRRITATION,  # K-wire problem
}


def kind_for_alert_rule(rule: str) -> Kind:
    """The complication kind to prefill from a triage rule (``OTHER`` when none fits)."""
    return ALERT_RULE_KINDS.get(rule, Kind.OTHER)


# --- recurrence (DOMAIN §2, "Decisions taken on top of the literature") ---------------------

DEFAULT_RECURRENCE_HVA_DEG = 15
# "At 6 months or later": 182 days, the 6-month time point of the registry schedule (§14).
RECURRENCE_EARLIEST_DAYS = 182


@dataclass(frozen=True)
class FollowUpFilm:
    """What the recurrence rule needs from a measured follow-up film."""

    hva_deg: float | None
    days_after_operation: int
    for_grading: bool = True  # a standing DP film (DOMAIN §2 R-IMG-1)


def recurrence_proposed(film: FollowUpFilm, threshold_deg: float) -> bool:
    """Whether the film proposes recurrence: HVA > threshold at 182 days or later.

    Strictly above the threshold (HVA of exactly 15° is not recurrence by
    "HVA > 15°"); a film that is not for grading (not a standing DP) or has
    no HVA proposes nothing.
    """
    return (
        film.for_grading
        and film.hva_deg is not None
        and film.days_after_operation >= RECURRENCE_EARLIEST_DAYS
        and film.hva_deg > threshold_deg
    )


def recurrence_definition(threshold_deg: float) -> str:
    """The definition a proposal or figure uses, in words (always reported with it)."""
    days = RECURRENCE_EARLIEST_DAYS
    return f"HVA > {threshold_deg:g}° at {days} days or more after the operation"


class ProposalStatus(Labelled):
    """Where a recurrence proposal stands: waiting for the surgeon, or decided."""

    PROPOSED = "proposed", "Proposed, waiting for the surgeon"
    CONFIRMED = "confirmed", "Confirmed as recurrence"
    REJECTED = "rejected", "Rejected"
