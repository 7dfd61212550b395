"""Pre-operative risk factors and the flags they raise (DOMAIN §6).

Each flag names the risks it raises (infection, delayed wound healing,
delayed union or non-union, VTE, anaesthetic), the rule that raised it with
the patient's value, and its source. Thresholds are DOMAIN's; where DOMAIN
marks a figure unverified the flag says so and is never a hard stop.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from halluxpath.core.vocabulary import Labelled

INFECTION, WOUND, UNION, VTE, ANAESTHETIC = (
    "infection",
    "delayed wound healing",
    "delayed union or non-union",
    "VTE",
    "anaesthetic",
)
RISK_CATEGORIES = (INFECTION, WOUND, UNION, VTE, ANAESTHETIC)

HBA1C_RANGE_MMOL_MOL = (20, 200)  # DOMAIN §6 table: recorded range
HBA1C_REFER_MMOL_MOL = 69  # UK: < 69 (8.5 %) before elective referral [58]
HBA1C_SSI_MMOL_MOL = 58  # ≈ 7.5 %: forefoot SSI threshold [A] [63]
HBA1C_MAX_AGE_DAYS = 92  # "≤ 3 months old"
BMI_RANGE = (10.0, 90.0)
ABPI_RANGE = (0.1, 2.5)


class Smoking(Labelled):
    """DOMAIN §6 smoking status."""

    NEVER = "never", "Never smoked"
    EX = "ex", "Ex-smoker"
    CURRENT = "current", "Current smoker"


class Diabetes(Labelled):
    NONE = "none", "No diabetes"
    TYPE1 = "type1", "Type 1"
    TYPE2 = "type2", "Type 2"
    OTHER = "other", "Other"


class Neuropathy(Labelled):
    NONE = "none", "None"
    SUSPECTED = "suspected", "Suspected"
    CONFIRMED = "confirmed", "Confirmed"


class InflammatoryArthritis(Labelled):
    NONE = "none", "None"
    RHEUMATOID = "rheumatoid", "Rheumatoid"
    PSORIATIC = "psoriatic", "Psoriatic"
    GOUT = "gout", "Gout"
    OTHER = "other", "Other"


class Oestrogen(Labelled):
    NONE = "none", "None"
    COC = "coc", "Combined oral contraceptive"
    HRT = "hrt", "Hormone replacement therapy"


class AsaGrade(Labelled):
    """The ASA grades the assessment records (DOMAIN §6; VI and "E" are read, not offered)."""

    I = "I", "I: healthy"  # noqa: E741
    II = "II", "II: mild systemic disease"
    III = "III", "III: severe systemic disease"
    IV = "IV", "IV: constant threat to life"
    V = "V", "V: not expected to survive without the operation"


ASA_GRADES_READ = ("I", "II", "III", "IV", "V", "VI")  # optionally with E (emergency)


class Anaesthesia(Labelled):
    """DOMAIN §5 ``anaesthesia_primary``; ankle block is PROSPECT's first choice [53]."""

    LOCAL = "local_infiltration", "Local infiltration"
    ANKLE_BLOCK = "ankle_block", "Ankle block"
    POPLITEAL = "popliteal_sciatic_block", "Popliteal sciatic block"
    POPLITEAL_SAPHENOUS = "popliteal_plus_saphenous", "Popliteal and saphenous block"
    SPINAL = "spinal", "Spinal"
    GENERAL = "general", "General"


class AnaesthesiaReason(Labelled):
    MEDICAL = "medical", "A medical condition"
    PREFERENCE = "preference", "The patient's preference"
    BOTH = "both", "Both"


class AssessmentError(ValueError):
    """An impossible or inconsistent value, with the field it belongs to."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


def hba1c_percent(mmol_mol: float) -> float:
    """DCCT % from IFCC mmol/mol: mmol/mol = 10.929 × (% − 2.15) (DOMAIN §6)."""
    return mmol_mol / 10.929 + 2.15


@dataclass(frozen=True)
class Assessment:
    """The pre-operative findings, as recorded (DOMAIN §6 "recorded as")."""

    age_years: int
    smoking: str = Smoking.NEVER  # a Smoking value (checked by validate)
    diabetes: str = Diabetes.NONE  # a Diabetes value
    hba1c_mmol_mol: float | None = None
    hba1c_date: dt.date | None = None
    neuropathy: str = Neuropathy.NONE  # a Neuropathy value
    foot_pulses_absent: bool = False
    abpi: float | None = None
    ankle_pressure_mmhg: float | None = None
    inflammatory_arthritis: str = InflammatoryArthritis.NONE  # an InflammatoryArthritis value
    immunosuppressants: str = ""  # drug names, free text
    steroid: bool = False
    bmi: float | None = None
    asa_grade: str = AsaGrade.I  # I–VI (ASA_GRADES_READ), optionally with E
    previous_surgery_same_foot: bool = False
    anticoagulant: str = ""  # drug, free text
    vte_history: bool = False
    vte_family_history: bool = False
    recent_cancer: bool = False
    oestrogen: str = Oestrogen.NONE  # an Oestrogen value
    immobilisation_planned: bool = False  # cast, boot or orthosis with reduced weight-bearing
    allergies: str = ""


@dataclass(frozen=True)
class Flag:
    rule: str
    raises: tuple[str, ...]
    message: str
    source: str
    unverified: bool = False
    action: str = ""


def validate(a: Assessment, *, today: dt.date) -> None:
    """Refuse impossible or inconsistent values (raises ``AssessmentError``)."""
    if a.smoking not in Smoking.values():
        raise AssessmentError("smoking", "Choose current, ex or never for smoking.")
    if a.hba1c_mmol_mol is not None:
        low, high = HBA1C_RANGE_MMOL_MOL
        if not low <= a.hba1c_mmol_mol <= high:
            raise AssessmentError(
                "hba1c_mmol_mol",
                f"HbA1c must lie between {low} and {high} mmol/mol (enter mmol/mol, not %).",
            )
        if a.hba1c_date is None:
            raise AssessmentError("hba1c_date", "Enter the date of the HbA1c result.")
        if a.hba1c_date > today:
            raise AssessmentError("hba1c_date", "The HbA1c date cannot be in the future.")
    if a.diabetes == Diabetes.NONE and a.hba1c_mmol_mol is not None and a.hba1c_mmol_mol >= 48:
        raise AssessmentError(
            "diabetes",
            "An HbA1c of 48 mmol/mol or more is in the diabetic "
            "range: record the diabetes, or check the value.",
        )
    if a.bmi is not None and not BMI_RANGE[0] <= a.bmi <= BMI_RANGE[1]:
        raise AssessmentError(
            "bmi", f"BMI must lie between {BMI_RANGE[0]:g} and {BMI_RANGE[1]:g} kg/m²."
        )
    if a.abpi is not None and not ABPI_RANGE[0] <= a.abpi <= ABPI_RANGE[1]:
        raise AssessmentError(
            "abpi", f"ABPI must lie between {ABPI_RANGE[0]:g} and {ABPI_RANGE[1]:g}."
        )
    if a.ankle_pressure_mmhg is not None and not 0 <= a.ankle_pressure_mmhg <= 300:
        raise AssessmentError(
            "ankle_pressure_mmhg", "Ankle pressure must lie between 0 and 300 mmHg."
        )
    if a.asa_grade.rstrip("E") not in ASA_GRADES_READ:
        raise AssessmentError("asa_grade", "ASA grade must be I to VI, optionally with E.")
    if not 0 <= a.age_years <= 120:
        raise AssessmentError("age_years", "Check the date of birth: the age is impossible.")


def flags(a: Assessment, *, today: dt.date) -> list[Flag]:
    """Every risk flag the assessment raises, in the order of DOMAIN §6's table."""
    validate(a, today=today)
    out: list[Flag] = []
    if a.smoking == Smoking.CURRENT:
        out.append(
            Flag(
                "§6 smoking",
                (INFECTION, WOUND, UNION),
                "Current smoker: forefoot complications 36.4 % in current smokers, "
                "16.5 % ex, 8.5 % never (×4.3).",
                "DOMAIN §6 [59]",
                action="Advise stopping smoking before surgery.",
            )
        )
    if a.diabetes != Diabetes.NONE:
        out.extend(_diabetes(a, today))
    if a.neuropathy in (Neuropathy.SUSPECTED, Neuropathy.CONFIRMED):
        out.append(
            Flag(
                "§6 neuropathy",
                (INFECTION, WOUND),
                f"Neuropathy {a.neuropathy}: infection OR 1.78; ulcer and Charcot risk.",
                "DOMAIN §6 [61][64]",
            )
        )
    out.extend(_vascular(a))
    if a.inflammatory_arthritis != InflammatoryArthritis.NONE:
        out.append(
            Flag(
                "§6 inflammatory arthritis",
                (INFECTION, WOUND),
                f"Inflammatory arthritis ({a.inflammatory_arthritis}).",
                "DOMAIN §6 [68][35]",
                action="Liaise with rheumatology.",
            )
        )
    if a.steroid or a.immunosuppressants.strip():
        drugs = ", ".join(
            x for x in (("steroid" if a.steroid else ""), a.immunosuppressants.strip()) if x
        )
        out.append(
            Flag(
                "§6 immunosuppression",
                (INFECTION, WOUND),
                f"Steroid or immunosuppressant use ({drugs}). Methotrexate is usually "
                "continued; leflunomide, azathioprine or mycophenolate: consider "
                "stopping about 2 weeks before; biologics: operate at the end of the "
                "dosing interval (hip and knee guidance, by analogy).",
                "DOMAIN §6 [68][69]",
                unverified=True,
            )
        )
    if a.bmi is not None and a.bmi >= 30:
        band = "40 or more" if a.bmi >= 40 else "30 or more"
        out.append(
            Flag(
                "§6 obesity",
                (WOUND, VTE),
                f"BMI {a.bmi:.1f} ({band}).",
                "DOMAIN §6 [60]",
                unverified=True,
            )
        )
    if a.age_years > 60:
        out.append(
            Flag(
                "§6 age",
                (VTE,),
                f"Age {a.age_years} (over 60): a VTE risk factor.",
                "DOMAIN §6 [70]",
            )
        )
    if a.previous_surgery_same_foot:
        out.append(
            Flag(
                "§6 previous surgery",
                (WOUND,),
                "Previous surgery on the same foot: harder revision and CRPS risk.",
                "DOMAIN §6 [71]",
            )
        )
    if a.anticoagulant.strip():
        out.append(
            Flag(
                "§6 anticoagulation",
                (ANAESTHETIC,),
                f"Anticoagulant or antiplatelet ({a.anticoagulant.strip()}): plan "
                "bleeding and block timing (local policy).",
                "DOMAIN §6",
                unverified=True,
            )
        )
    vte_factors = [
        name
        for present, name in (
            (a.vte_history, "previous VTE"),
            (a.recent_cancer, "recent cancer"),
            (a.oestrogen != Oestrogen.NONE, "oestrogen"),
            (a.vte_family_history, "family history"),
            (a.bmi is not None and a.bmi >= 30, "obesity"),
            (a.age_years > 60, "age over 60"),
        )
        if present
    ]
    if vte_factors or a.immobilisation_planned:
        reasons = vte_factors + (["immobilisation planned"] if a.immobilisation_planned else [])
        out.append(
            Flag(
                "R-VTE-2",
                (VTE,),
                f"VTE risk factors: {', '.join(reasons)}. Consider pharmacological "
                "prophylaxis and document the decision.",
                "DOMAIN §6 R-VTE-2 [75][76][72][70][74]",
            )
        )
    if a.asa_grade.rstrip("E") in ("III", "IV", "V", "VI"):
        out.append(
            Flag(
                "§6 ASA",
                (ANAESTHETIC, VTE),
                f"ASA {a.asa_grade}: anaesthetic review (site policy); ASA III-IV "
                "predicted VTE after foot and ankle surgery (OR 3.64).",
                "DOMAIN §6 [73][100]",
            )
        )
    return out


def _diabetes(a: Assessment, today: dt.date) -> list[Flag]:
    out = []
    if a.hba1c_mmol_mol is None:
        return [
            Flag(
                "§6 diabetes",
                (INFECTION, WOUND),
                "Diabetes without a recent HbA1c.",
                "DOMAIN §6 [58]",
                action="Check HbA1c (within 3 months).",
            )
        ]
    value = a.hba1c_mmol_mol
    percent = hba1c_percent(value)
    if a.hba1c_date is not None and (today - a.hba1c_date).days > HBA1C_MAX_AGE_DAYS:
        out.append(
            Flag(
                "§6 diabetes",
                (INFECTION, WOUND),
                f"The HbA1c result is more than 3 months old ({a.hba1c_date}).",
                "DOMAIN §6 [58]",
                action="Recheck HbA1c.",
            )
        )
    if value >= HBA1C_REFER_MMOL_MOL:
        out.append(
            Flag(
                "§6 diabetes",
                (INFECTION, WOUND),
                f"HbA1c {value:g} mmol/mol ({percent:.1f} %), at or above 69 mmol/mol "
                "(8.5 %): UK guidance is to optimise before elective surgery. Per 1 % "
                "HbA1c: infection OR 1.59, wound OR 1.25.",
                "DOMAIN §6 [58][60][61]",
                action="Refer for diabetic optimisation before listing.",
            )
        )
    elif value >= HBA1C_SSI_MMOL_MOL:
        out.append(
            Flag(
                "§6 diabetes",
                (INFECTION, WOUND),
                f"HbA1c {value:g} mmol/mol ({percent:.1f} %): about 7.5 % and above, "
                "forefoot SSI risk rises (OR 1.92).",
                "DOMAIN §6 [62][63]",
            )
        )
    else:
        out.append(
            Flag(
                "§6 diabetes",
                (INFECTION, WOUND),
                f"Diabetes, HbA1c {value:g} mmol/mol ({percent:.1f} %).",
                "DOMAIN §6 [60][61]",
            )
        )
    return out


def _vascular(a: Assessment) -> list[Flag]:
    if a.abpi is None:
        if a.foot_pulses_absent:
            return [
                Flag(
                    "§6 PAD",
                    (WOUND,),
                    "A foot pulse is absent and no ABPI is recorded.",
                    "DOMAIN §6 [65][66]",
                    action="Measure the ABPI.",
                )
            ]
        return []
    if a.abpi <= 0.5 or (a.ankle_pressure_mmhg is not None and a.ankle_pressure_mmhg < 50):
        return [
            Flag(
                "§6 PAD",
                (WOUND, INFECTION),
                f"Severe peripheral arterial disease (ABPI {a.abpi:.2f}): vascular "
                "insufficiency is an absolute contraindication until resolved.",
                "DOMAIN §6 [65][67][9]; §1 contraindications",
                action="Refer to vascular surgery before any foot surgery.",
            )
        ]
    if a.abpi < 0.9:
        return [
            Flag(
                "§6 PAD",
                (WOUND,),
                f"ABPI {a.abpi:.2f} (below 0.9): peripheral arterial disease.",
                "DOMAIN §6 [65][66]",
            )
        ]
    if a.abpi > 1.3:
        return [
            Flag(
                "§6 PAD",
                (WOUND,),
                f"ABPI {a.abpi:.2f} (above 1.3) may be falsely high from stiff arteries.",
                "DOMAIN §6 [67]",
                action="Measure toe pressure or the toe-brachial index.",
            )
        ]
    return []


def raised_categories(found: list[Flag]) -> dict[str, list[Flag]]:
    """The flags grouped by the risk they raise, in DOMAIN's order of risks."""
    return {
        category: [f for f in found if category in f.raises]
        for category in RISK_CATEGORIES
        if any(category in f.raises for f in found)
    }
