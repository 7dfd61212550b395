"""Red-flag triage of a patient's symptom check-in (DOMAIN §12, rules R1-R17).

Each rule turns answers into an alert level, what the patient is told at once
and what the care team does, with its source. Levels: EMERGENCY (call 999 now;
the portal never waits for staff), URGENT (same-day clinical contact),
ROUTINE (next working day), NONE. "Something feels seriously wrong" is at
least URGENT. Sites may tighten these rules, never loosen them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Level(enum.IntEnum):
    NONE = 0
    ROUTINE = 1
    URGENT = 2
    EMERGENCY = 3


class Discharge(enum.StrEnum):
    """Anything coming from the wounds (R6)."""

    NONE = "none"
    CLEAR = "clear"
    PUS_OR_CLOUDY = "pus_or_cloudy"
    FOUL = "foul"


class Bleeding(enum.StrEnum):
    """Bleeding from the wounds (R8)."""

    NONE = "none"
    SMALL_STAIN = "small_stain"
    DRIPPING = "dripping"
    HEAVY = "heavy"


class Numbness(enum.StrEnum):
    """Numbness or tingling in the toes (R10)."""

    NONE = "none"
    STABLE_PATCH = "stable_patch"
    NEW_OR_WORSE = "new_or_worse"


class Medication(enum.StrEnum):
    """How the patient takes their medicines (no red flag; shown to the team)."""

    NOT_ANSWERED = ""
    AS_PRESCRIBED = "as_prescribed"
    MISSED_SOME = "missed_some"
    NOT_TAKING = "not_taking"


# The patient's words for each answer (DOMAIN §12: plain words), shown by the check-in form.
ANSWER_WORDS: dict[enum.StrEnum, str] = {
    Discharge.NONE: "Nothing",
    Discharge.CLEAR: "A little clear fluid",
    Discharge.PUS_OR_CLOUDY: "Pus or cloudy fluid",
    Discharge.FOUL: "It smells bad",
    Bleeding.NONE: "None",
    Bleeding.SMALL_STAIN: "A small stain on the dressing, not growing",
    Bleeding.DRIPPING: "Blood soaking through or dripping",
    Bleeding.HEAVY: "Heavy bleeding that does not stop",
    Numbness.NONE: "None",
    Numbness.STABLE_PATCH: "A small numb patch that is not changing",
    Numbness.NEW_OR_WORSE: "New, or getting worse",
    Medication.NOT_ANSWERED: "Not answered",
    Medication.AS_PRESCRIBED: "I take them as I was told",
    Medication.MISSED_SOME: "I have missed some",
    Medication.NOT_TAKING: "I am not taking them",
}


class TeamResponse(enum.StrEnum):
    """What a clinician did about an alert (DOMAIN §12: each alert is acted on and recorded).

    Stored with the alert beside free text; ``OTHER`` needs the text.
    """

    CALLED_PATIENT = "called_patient"
    BOOKED_REVIEW = "booked_review"
    SEEN_IN_CLINIC = "seen_in_clinic"
    ADVISED_EMERGENCY_DEPARTMENT = "advised_emergency_department"
    ADVISED_GP_OR_111 = "advised_gp_or_111"
    NO_ACTION_NEEDED = "no_action_needed"
    OTHER = "other"


# The care team's words for each response, shown by the triage list and the audit detail.
RESPONSE_WORDS: dict[TeamResponse, str] = {
    TeamResponse.CALLED_PATIENT: "Called the patient",
    TeamResponse.BOOKED_REVIEW: "Booked a review",
    TeamResponse.SEEN_IN_CLINIC: "Seen in clinic today",
    TeamResponse.ADVISED_EMERGENCY_DEPARTMENT: "Advised the emergency department",
    TeamResponse.ADVISED_GP_OR_111: "Advised the GP or NHS 111",
    TeamResponse.NO_ACTION_NEEDED: "No action needed",
    TeamResponse.OTHER: "Other (say what)",
}

FEVER_C = 38.0  # R3: "above 38 °C" in most sources; one uses 38.5 °C [27]
HYPOTHERMIA_C = 36.0  # R4
TEMPERATURE_RANGE_C = (30.0, 45.0)


@dataclass(frozen=True)
class CheckIn:
    days_since_operation: int
    pain_score: int  # 0-10
    pain_uncontrolled_or_rising: bool = False
    temperature_c: float | None = None
    feverish_or_shivering: bool = False
    sepsis_signs: bool = False  # confusion, slurred speech, mottled skin, no urine ~18 h...
    breathless_or_chest_pain: bool = False  # also coughing blood or collapse
    calf_pain_or_swelling: bool = False
    redness_spreading: bool = False
    discharge: str = Discharge.NONE
    wound_open: bool = False
    bleeding: str = Bleeding.NONE
    toes_cold_or_discoloured: bool = False
    toes_better_after_elevation: bool | None = None
    numbness: str = Numbness.NONE
    dressing_too_tight: bool = False
    k_wire_problem: bool = False
    fall_with_new_pain: bool = False
    vomiting_or_diarrhoea_over_24h: bool = False
    cannot_keep_fluids_down: bool = False
    rash_or_drug_reaction: bool = False
    face_swelling_or_breathing_difficulty: bool = False
    feels_seriously_wrong: bool = False
    # How the plan is going (no red flag; shown to the team beside any alert).
    medication: str = Medication.NOT_ANSWERED
    kept_foot_up: bool | None = None
    used_ice: bool | None = None


MEDICATION_ANSWERS = tuple(Medication)
# What the patient answers: every field of a check-in but the day, which the clinic knows.
ANSWER_FIELDS = tuple(
    name for name in CheckIn.__dataclass_fields__ if name != "days_since_operation"
)


@dataclass(frozen=True)
class Alert:
    rule: str
    level: Level
    patient_message: str
    team_action: str
    source: str


class CheckInError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


def validate(c: CheckIn) -> None:
    if not 0 <= c.pain_score <= 10:
        raise CheckInError("pain_score", "Pain is scored from 0 (none) to 10 (worst).")
    low, high = TEMPERATURE_RANGE_C
    if c.temperature_c is not None and not low <= c.temperature_c <= high:
        raise CheckInError(
            "temperature_c", f"Enter the temperature in °C, between {low:g} and {high:g}."
        )
    if c.days_since_operation < 0:
        raise CheckInError("days_since_operation", "The check-in is before the operation.")
    for field, value, allowed in (
        ("discharge", c.discharge, tuple(Discharge)),
        ("bleeding", c.bleeding, tuple(Bleeding)),
        ("numbness", c.numbness, tuple(Numbness)),
        ("medication", c.medication, MEDICATION_ANSWERS),
    ):
        if value not in allowed:
            raise CheckInError(field, f"Unknown answer {value!r}.")


CALL_999 = "Call 999 now. Do not drive yourself."
CONTACT_TODAY = "Contact the clinic team today (or NHS 111 out of hours)."


def triage(c: CheckIn) -> list[Alert]:
    """Every rule the check-in meets, most serious first."""
    validate(c)
    alerts: list[Alert] = []

    def add(rule: str, level: Level, patient: str, team: str, source: str) -> None:
        alerts.append(Alert(rule, level, patient, team, source))

    if c.breathless_or_chest_pain:
        add(
            "R1",
            Level.EMERGENCY,
            CALL_999 + " Sudden breathlessness or chest pain can be a blood clot in the lung.",
            "Confirm contact; document; VTE follow-up.",
            "DOMAIN §12 R1 [13][14]",
        )
    if c.calf_pain_or_swelling:
        add(
            "R2",
            Level.URGENT,
            "You need a same-day check for a blood clot in the leg. " + CONTACT_TODAY,
            "Same-day review and scan (DVT usually scanned within 24 h).",
            "DOMAIN §12 R2 [13][23]",
        )
    fever = (c.temperature_c is not None and c.temperature_c >= FEVER_C) or c.feverish_or_shivering
    cold = c.temperature_c is not None and c.temperature_c < HYPOTHERMIA_C
    if (fever or cold) and c.sepsis_signs:
        add(
            "R4",
            Level.EMERGENCY,
            CALL_999 + " These can be signs of sepsis.",
            "—",
            "DOMAIN §12 R4 [15]",
        )
    elif fever:
        add(
            "R3",
            Level.URGENT,
            "You may have an infection. " + CONTACT_TODAY,
            "Wound check and sepsis screen.",
            "DOMAIN §12 R3 [15][24]",
        )
    if c.redness_spreading:
        add(
            "R5",
            Level.URGENT,
            "Spreading redness can mean infection. " + CONTACT_TODAY,
            "Wound review, swab, antibiotics if infected.",
            "DOMAIN §12 R5 [4][25]",
        )
    if c.discharge in (Discharge.PUS_OR_CLOUDY, Discharge.FOUL):
        add(
            "R6",
            Level.URGENT,
            "Do not take the dressing off unless told to. " + CONTACT_TODAY,
            "Wound review, swab, antibiotics if infected.",
            "DOMAIN §12 R6 [25][26]",
        )
    if c.wound_open:
        add(
            "R7",
            Level.URGENT,
            "Cover the wound with a clean dressing. " + CONTACT_TODAY,
            "Same-day review.",
            "DOMAIN §12 R7 (unverified)",
        )
    if c.bleeding in (Bleeding.DRIPPING, Bleeding.HEAVY):
        add(
            "R8",
            Level.EMERGENCY if c.bleeding == Bleeding.HEAVY else Level.URGENT,
            "Lie down, raise the foot and press firmly on the dressing. Go to hospital if it "
            "keeps dripping.",
            "Review the dressing.",
            "DOMAIN §12 R8 [7]",
        )
    elif c.bleeding == Bleeding.SMALL_STAIN:
        add(
            "R9",
            Level.NONE,
            "A small blood stain that is not growing is normal.",
            "—",
            "DOMAIN §12 R9 [7]",
        )
    if c.pain_uncontrolled_or_rising:
        add(
            "R10",
            Level.URGENT,
            "Pain that your painkillers do not control needs checking. " + CONTACT_TODAY,
            "Review for a tight dressing, infection or displacement.",
            "DOMAIN §12 R10 [5]",
        )
    if c.toes_cold_or_discoloured:
        emergency = c.toes_better_after_elevation is False
        add(
            "R11",
            Level.EMERGENCY if emergency else Level.URGENT,
            (
                "Come to hospital now: the toes have not recovered."
                if emergency
                else "Raise the foot and loosen the outer bandage; if the colour does not "
                "come back within 30 minutes, come to hospital now."
            ),
            "Same-day circulation and dressing check.",
            "DOMAIN §12 R11 [25][27] (30-minute timing unverified)",
        )
    if c.numbness == Numbness.NEW_OR_WORSE:
        add(
            "R12",
            Level.URGENT,
            "Raise the foot; the dressing may be too tight. " + CONTACT_TODAY,
            "Dressing check; document nerve symptoms.",
            "DOMAIN §12 R12 [25][27]",
        )
    elif c.numbness == Numbness.STABLE_PATCH and c.days_since_operation >= 14:
        add(
            "R12",
            Level.ROUTINE,
            "A small numb patch near a cut is common; tell us at your next visit.",
            "Document nerve symptoms.",
            "DOMAIN §12 R12 [25][27]",
        )
    elif c.numbness == Numbness.STABLE_PATCH:
        add(
            "R12",
            Level.URGENT,
            "Raise the foot; the dressing may be too tight. " + CONTACT_TODAY,
            "Dressing check; document nerve symptoms.",
            "DOMAIN §12 R12 [25][27]",
        )
    if c.dressing_too_tight:
        add(
            "R13",
            Level.URGENT,
            "Raise the foot and loosen only the outer layer. " + CONTACT_TODAY,
            "Re-dress the same day.",
            "DOMAIN §12 R13 [25]",
        )
    if c.k_wire_problem:
        add(
            "R14",
            Level.URGENT,
            "Do not push or pull the wire; cover it. " + CONTACT_TODAY,
            "Review; early removal risks losing the correction.",
            "DOMAIN §12 R14 [5][22]",
        )
    if c.fall_with_new_pain:
        add(
            "R15",
            Level.URGENT,
            "Rest and raise the foot. " + CONTACT_TODAY,
            "X-ray for loss of fixation.",
            "DOMAIN §12 R15 (unverified)",
        )
    if c.vomiting_or_diarrhoea_over_24h:
        add(
            "R16",
            Level.URGENT if c.cannot_keep_fluids_down else Level.ROUTINE,
            "Contact the clinic team or your GP.",
            "—",
            "DOMAIN §12 R16 [27]",
        )
    if c.rash_or_drug_reaction:
        add(
            "R17",
            Level.EMERGENCY if c.face_swelling_or_breathing_difficulty else Level.URGENT,
            (
                CALL_999
                if c.face_swelling_or_breathing_difficulty
                else "Stop the medicine you think caused it and seek advice today."
            ),
            "—",
            "DOMAIN §12 R17 [26]",
        )
    if c.feels_seriously_wrong and not any(a.level >= Level.URGENT for a in alerts):
        add(
            "§12 feels wrong",
            Level.URGENT,
            "You told us something feels seriously wrong. " + CONTACT_TODAY,
            "Same-day call back.",
            "DOMAIN §12 alert levels",
        )
    return sorted(alerts, key=lambda a: a.level, reverse=True)


def overall(alerts: list[Alert]) -> Level:
    return max((a.level for a in alerts), default=Level.NONE)
