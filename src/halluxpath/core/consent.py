"""The personalised consent and risk sheet, as content (DOMAIN §8).

Plain language at a reading age of about 11 to 12, rates as "about X in
100", each with its source, and this patient's own raised risks (from the
pre-operative assessment, DOMAIN §6) put first. The surgeon discusses it;
the sheet does not replace that conversation (Montgomery 2015 [88]).
Rendering to PDF lives outside the core (surgery.consent_pdf).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

SHEET_VERSION = "consent-sheet/1"

GOALS = (
    "A straighter big toe.",
    "Less pain.",
    "A big toe that works better for walking.",
    "A lower chance of the bunion coming back.",
)


@dataclass(frozen=True)
class RiskLine:
    topic: str
    text: str
    source: str
    personal: bool = False


@dataclass(frozen=True)
class ConsentContent:
    version: str
    patient_name: str
    side: str
    procedure: str
    goals: tuple[str, ...]
    what_happens: str
    alternatives: str
    personal_risks: tuple[RiskLine, ...]
    general_risks: tuple[RiskLine, ...]
    recovery: str
    your_part: str
    aftercare: tuple[str, ...]
    sources_note: str = field(
        default=(
            "Rates come from published studies (HalluxPath clinical reference, DOMAIN §7 and "
            "§8; aftercare from §11). Your surgeon may give you the rates of this clinic "
            "instead."
        )
    )


GENERAL_RISKS = (
    RiskLine(
        "Infection",
        "About 1 in 100 get an infection. Most get better with tablets.",
        "DOMAIN §8 [78]",
    ),
    RiskLine(
        "Numbness",
        "About 2 in 100 get a numb patch near the big toe. It may not go away.",
        "DOMAIN §8 [78]",
    ),
    RiskLine(
        "The bunion comes back",
        "The bunion can slowly come back: about 2 to 25 in "
        "100, depending on how it is measured and for how long.",
        "DOMAIN §8 [78][31]",
    ),
    RiskLine(
        "Screws",
        "About 6 in 100 need a small operation later to take a screw out.",
        "DOMAIN §8 [78]",
    ),
    RiskLine(
        "Bone not healing",
        "Fewer than 1 in 100 bones do not join and need more surgery.",
        "DOMAIN §8 [78]",
    ),
    RiskLine(
        "Toe too straight",
        "Very rarely (under 1 in 100) the toe ends up pointing inwards.",
        "DOMAIN §8 [78]",
    ),
    RiskLine("Stiffness", "Your big toe may be stiffer than before.", "DOMAIN §8 (no pooled rate)"),
    RiskLine(
        "Long-lasting pain",
        "Up to about 4 in 100 people get strong pain and swelling "
        "that lasts after foot operations.",
        "DOMAIN §8 [71]",
    ),
    RiskLine("Blood clot", "About 1 in 100 get a blood clot in the leg.", "DOMAIN §8 [74]"),
    RiskLine("Burns", "The drill can heat the skin. Small burns are rare.", "DOMAIN §8 [49]"),
    RiskLine("A bigger cut", "Sometimes the surgeon has to make a bigger cut.", "DOMAIN §8 [57]"),
)

# The outline of DOMAIN §11.1 (3rd/4th-generation MIS with screws, day case).
AFTERCARE = (
    "You go home the same day. Walk as comfort allows in the flat, stiff shoe you are given.",
    "Keep your foot up most of the day for the first week, then rest it often in the second.",
    "Keep the dressing on, clean and dry, until the wound check at about 2 weeks.",
    "Wear the special shoe whenever you walk for 4 to 6 weeks.",
    "At about 6 weeks you have an X-ray; if it is good you can change to wide, soft trainers.",
    "Reviews at 3, 6 and 12 months, with short questionnaires about your foot.",
)

# Plain words for each pre-operative flag (core.risk rule ids).
PERSONAL_WORDING = {
    "§6 smoking": (
        "Smoking",
        "You smoke. This makes infection, slow wound healing and the "
        "bone not joining more likely: about 36 in 100 smokers have a problem "
        "after forefoot surgery, against about 9 in 100 who never smoked. "
        "Stopping helps.",
    ),
    "§6 diabetes": (
        "Diabetes",
        "You have diabetes. Higher sugar levels make infection and "
        "slow healing more likely. Keeping your sugar in range helps.",
    ),
    "§6 neuropathy": (
        "Nerve damage in the foot",
        "You have reduced feeling in the foot. This makes infection and sores more likely.",
    ),
    "§6 PAD": (
        "Blood flow to the foot",
        "The blood flow to your foot is reduced. Wounds may heal slowly or break down.",
    ),
    "§6 inflammatory arthritis": (
        "Arthritis",
        "You have an inflammatory arthritis. Infection and slow healing are more likely.",
    ),
    "§6 immunosuppression": (
        "Your medicines",
        "Some of your medicines lower your body's "
        "defences. Infection and slow healing are more likely. Your "
        "doctors will tell you whether to pause any of them.",
    ),
    "§6 obesity": ("Weight", "Your weight makes slow wound healing and blood clots more likely."),
    "§6 age": ("Age", "Being over 60 makes a blood clot more likely."),
    "§6 previous surgery": (
        "Previous operation",
        "You have had an operation on this foot "
        "before. This can make the operation harder and long-lasting "
        "pain more likely.",
    ),
    "§6 anticoagulation": (
        "Blood thinners",
        "You take a medicine that thins the blood. The team will plan when to stop and restart it.",
    ),
    "R-VTE-2": (
        "Blood clot",
        "You have a higher chance of a blood clot. The team will decide "
        "with you whether you need an injection or tablets to prevent one.",
    ),
    "§6 ASA": (
        "Your general health",
        "Your general health means the anaesthetist will see you before the operation.",
    ),
}


def _personal(flags: Sequence[dict[str, object]]) -> tuple[RiskLine, ...]:
    seen: set[str] = set()
    lines = []
    for flag in flags:
        rule = str(flag.get("rule", ""))
        if rule in seen or rule not in PERSONAL_WORDING:
            continue
        seen.add(rule)
        topic, text = PERSONAL_WORDING[rule]
        lines.append(RiskLine(topic, text, str(flag.get("source", "")), personal=True))
    return tuple(lines)


def build(
    *, patient_name: str, side: str, procedure: str, akin: bool, flags: Sequence[dict[str, object]]
) -> ConsentContent:
    """The sheet for one patient, one foot and one planned operation."""
    operation = procedure + (" with a cut in the first bone of the big toe (Akin)" if akin else "")
    return ConsentContent(
        version=SHEET_VERSION,
        patient_name=patient_name,
        side=side,
        procedure=operation,
        goals=GOALS,
        what_happens=(
            "The surgeon makes a few tiny cuts, each less than half a centimetre. "
            "A small drill cuts the bone. The bone is moved and held with screws."
        ),
        alternatives=(
            "You do not have to have an operation. Wider shoes, pads, insoles and "
            "painkillers can help. Other choices are an operation with a longer "
            "cut, or fixing the joint solid if it is worn."
        ),
        personal_risks=_personal(flags),
        general_risks=GENERAL_RISKS,
        recovery=(
            "Bone takes weeks to heal. Tiny cuts do not make bone heal faster. "
            "Swelling can last months."
        ),
        your_part=(
            "Stop smoking. Keep your sugar in range. Keep the dressing dry. Rest with "
            "your foot up. Wear the special shoe. Come to every check. Call us for "
            "fever, spreading redness, a bad smell, calf pain or sudden "
            "breathlessness."
        ),
        aftercare=AFTERCARE,
    )
