"""Personalised aftercare plans from a versioned pathway template (DOMAIN §11).

A template is data: steps with a day offset from the operation (day 0), the
words the patient reads, and a source. ``build_plan`` turns a template into
one patient's dated plan, applying DOMAIN §11.4's modifiers (K-wire fixation,
risk flags, the operated side for driving). A new template version never
changes a plan already built: the plan keeps the template's name and version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Literal, get_args

# How the osteotomy was fixed (DOMAIN §11.4: a K-wire changes the plan).
Fixation = Literal["screws", "k_wire"]
FIXATIONS: tuple[str, ...] = get_args(Fixation)
# The patient's kind of work (DOMAIN §11.2: when to go back).
WorkKind = Literal["seated", "standing", "manual"]
WORK_KINDS: tuple[str, ...] = get_args(WorkKind)

# Plausible dates (issue 12 item 11; docs/aftercare.md "Dates"). An operation is
# recorded from 2000-01-01 (older ones predate MIS bunion surgery and this
# clinic's records) to two years ahead of today (theatre lists are not booked
# further ahead); a plan item falls between its operation and two years after
# it (pathway_data.LONGEST_DAY, the longest follow-up of DOMAIN §14).
EARLIEST_DATE = dt.date(2000, 1, 1)
LONGEST_AHEAD_DAYS = 730
LONGEST_PLAN_DAYS = 730


def latest_operation_date(today: dt.date) -> dt.date:
    return shifted(today, LONGEST_AHEAD_DAYS) or dt.date.max


def operation_date_problem(day: dt.date, today: dt.date) -> str | None:
    """Why ``day`` is not a plausible operation date, in words for the clinician, or None."""
    latest = latest_operation_date(today)
    if day < EARLIEST_DATE:
        return f"The date of operation cannot be before {EARLIEST_DATE:%d/%m/%Y}."
    if day > latest:
        return (
            f"The date of operation cannot be more than two years ahead (after {latest:%d/%m/%Y})."
        )
    return None


def item_date_problem(day: dt.date, operated_on: dt.date) -> str | None:
    """Why ``day`` cannot be the date of a plan item (before the operation, or too late)."""
    if day < operated_on:
        return "An item cannot start before the operation."
    latest = shifted(operated_on, LONGEST_PLAN_DAYS) or dt.date.max
    if day > latest or day < EARLIEST_DATE:
        return f"A plan item falls within two years of the operation (by {latest:%d/%m/%Y})."
    return None


def shifted(day: dt.date, days: int) -> dt.date | None:
    """``day`` moved by ``days``, or None where the calendar ends (before 1 AD, after 9999).

    Stored rows older than the date checks may hold any date; arithmetic on them
    must answer "no such day" rather than raise OverflowError.
    """
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return None


@dataclass(frozen=True)
class Step:
    key: str
    category: str  # weight_bearing, elevation, ice, medication, dressing, follow_up, ...
    title: str
    instructions: str
    start_day: int
    end_day: int | None = None
    source: str = ""
    only_if: str = ""  # "", "k_wire", "screws", "risk", "antibiotics", "vte_prophylaxis"


@dataclass(frozen=True)
class Template:
    name: str
    version: int
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class PlanItem:
    key: str
    category: str
    title: str
    instructions: str
    starts_on: dt.date
    ends_on: dt.date | None
    source: str
    time: dt.time | None = None  # a booked visit's time, in the clinic's zone
    place: str = ""  # where a booked visit is


@dataclass(frozen=True)
class Plan:
    template: str
    template_version: int
    operated_on: dt.date
    items: tuple[PlanItem, ...] = field(default_factory=tuple)

    def due_on(self, day: dt.date) -> list[PlanItem]:
        """What applies on ``day``: running instructions and that day's events."""
        return [
            i
            for i in self.items
            if i.starts_on <= day
            and (
                (i.ends_on is None and i.starts_on == day)
                or (i.ends_on is not None and day <= i.ends_on)
            )
        ]


# Risk flags that call for longer elevation and closer wound review (DOMAIN §11.4).
MODIFYING_RISKS = frozenset(
    {
        "§6 smoking",
        "§6 diabetes",
        "§6 neuropathy",
        "§6 inflammatory arthritis",
        "§6 immunosuppression",
        "§6 anticoagulation",
        "R-VTE-2",
    }
)

MIS_SCREWS = Template(
    "MIS distal osteotomy with screws, day case",
    1,
    (
        Step(
            "wb-shoe",
            "weight_bearing",
            "Walking in the post-operative shoe",
            "Walk as comfort allows in the flat, stiff shoe. Wear it whenever you walk.",
            0,
            42,
            "DOMAIN §11.1, §11.2 [6][8][9]",
        ),
        Step(
            "elevate-strict",
            "elevation",
            "Foot up most of the day",
            "Keep your foot raised above your hip most of the day.",
            0,
            7,
            "DOMAIN §11.1 [6]",
        ),
        Step(
            "elevate-relative",
            "elevation",
            "Rest with the foot up often",
            "Rest with your foot up for about 40 minutes in every hour; walk only to the "
            "toilet and for meals.",
            8,
            14,
            "DOMAIN §11.1 [6][7]",
        ),
        Step(
            "ice",
            "ice",
            "Ice",
            "Use an ice pack wrapped in a thin damp towel for 10 to 15 "
            "minutes, never on bare skin, keeping the dressing dry. Do not use ice if the foot "
            "is numb or the circulation is poor.",
            0,
            14,
            "DOMAIN §11.2 [16][17]",
        ),
        Step(
            "analgesia",
            "medication",
            "Painkillers",
            "Take paracetamol regularly, and "
            "ibuprofen if it suits you, for the first 3 days, then less as the pain eases.",
            0,
            3,
            "DOMAIN §11.2 [5][7][12]",
        ),
        Step(
            "antibiotics",
            "medication",
            "Antibiotics",
            "Take the antibiotics exactly as prescribed.",
            0,
            7,
            "DOMAIN §11.2 [4]",
            only_if="antibiotics",
        ),
        Step(
            "vte",
            "medication",
            "Blood clot prevention",
            "Use the injections or tablets you "
            "were given to prevent blood clots, as prescribed. Move your ankles often.",
            0,
            28,
            "DOMAIN §11.2 [3]",
            only_if="vte_prophylaxis",
        ),
        Step(
            "dressing",
            "dressing",
            "Keep the dressing on",
            "Keep the dressing on, clean and dry, until the wound check.",
            0,
            14,
            "DOMAIN §11.1 [5][7][8]",
        ),
        Step(
            "visit-2w",
            "follow_up",
            "Wound check (about 2 weeks)",
            "Wound check; stitches out.",
            14,
            None,
            "DOMAIN §11.1 [5][7][8]",
        ),
        Step(
            "physio",
            "physio",
            "Big-toe exercises",
            "Start the big-toe bending exercises on your physio sheet.",
            14,
            84,
            "DOMAIN §11.2 [19]",
        ),
        Step(
            "visit-6w",
            "follow_up",
            "X-ray and review (about 6 weeks)",
            "X-ray of the foot and review.",
            42,
            None,
            "DOMAIN §11.1 [8][18]",
        ),
        Step(
            "trainers",
            "shoes",
            "Wide, soft trainers",
            "If the 6-week X-ray is good, change to wide, soft, laced trainers.",
            42,
            91,
            "DOMAIN §11.2 [6][8][9][18]",
        ),
        Step(
            "wire-out",
            "follow_up",
            "K-wire removal",
            "The wire is usually taken out at about 4 to 6 weeks.",
            35,
            None,
            "DOMAIN §11.4 [5][22]",
            only_if="k_wire",
        ),
        Step(
            "own-shoes",
            "shoes",
            "Your own shoes",
            "From about 3 months you can wear your own wide, comfortable shoes; heels when "
            "the swelling allows.",
            91,
            None,
            "DOMAIN §11.2 [6][8][9][18]",
        ),
        Step(
            "visit-3m",
            "follow_up",
            "Review (3 months)",
            "Clinic review.",
            91,
            None,
            "DOMAIN §11.1 [49]",
        ),
        Step(
            "sport",
            "sport",
            "Low-impact sport",
            "Swimming and a static bike from about "
            "6 to 12 weeks; running from about 3 to 6 months.",
            42,
            None,
            "DOMAIN §11.2 [8][21]",
        ),
        Step(
            "visit-6m",
            "follow_up",
            "Review and questionnaire (6 months)",
            "Review and a short questionnaire about your foot.",
            182,
            None,
            "DOMAIN §11.1, §14",
        ),
        Step(
            "visit-12m",
            "follow_up",
            "Review and questionnaire (12 months)",
            "Review and a short questionnaire about your foot.",
            365,
            None,
            "DOMAIN §11.1, §14",
        ),
    ),
)


def _driving(side: str, automatic_car: bool | None) -> Step:
    """DOMAIN §11.2 [6][10][11]: left foot and automatic about 2 weeks, else about 6."""
    weeks = 2 if side == "left" and automatic_car else 6
    return Step(
        "driving",
        "driving",
        "Driving",
        f"Drive only when you can stop in an "
        "emergency without pain and are off drowsy painkillers: usually about "
        f"{weeks} weeks for you. Tell your insurer.",
        weeks * 7,
        None,
        "DOMAIN §11.2 [6][10][11]",
    )


WORK = {
    # DOMAIN §11.2 [6][9]: seated 2 w if the foot can be kept up, else 4 w;
    # standing or walking 4-6 w; manual at least 6 w.
    "seated": (14, "Seated work: about 2 weeks if you can keep your foot up, otherwise about 4."),
    "standing": (28, "Work on your feet: usually about 4 to 6 weeks."),
    "manual": (42, "Manual work: usually at least 6 weeks."),
    None: (
        14,
        "Seated work with your foot up: about 2 weeks (4 if you cannot keep it up); "
        "work on your feet: about 4 to 6 weeks; manual work: at least 6 weeks.",
    ),
}


def _work(kind: str | None) -> Step:
    start, words = WORK[kind]
    return Step(
        "work",
        "work",
        "Back to work",
        words + " Ask us for a fit note if you need one.",
        start,
        None,
        "DOMAIN §11.2 [6][9]",
    )


def build_plan(
    template: Template,
    operated_on: dt.date,
    *,
    side: str,
    fixation: str,
    risk_rules: Collection[str] = (),
    antibiotics_prescribed: bool = False,
    vte_prophylaxis: bool = False,
    automatic_car: bool | None = None,
    work: str | None = None,
) -> Plan:
    """One patient's dated plan (DOMAIN §11, with §11.4 modifiers).

    Items are in date order, visits first within a day. A step that would
    fall outside the calendar (an operation date near 1 AD or 9999) is a
    ValueError, never an OverflowError.
    """
    if side not in ("left", "right"):
        raise ValueError("side must be left or right")
    if fixation not in FIXATIONS:
        raise ValueError("fixation must be screws or k_wire")
    if work not in WORK:
        raise ValueError("work must be seated, standing, manual or not known")
    conditions = {fixation}
    if antibiotics_prescribed:
        conditions.add("antibiotics")
    if vte_prophylaxis:
        conditions.add("vte_prophylaxis")
    risky = bool(MODIFYING_RISKS & set(risk_rules))
    steps = [s for s in template.steps if not s.only_if or s.only_if in conditions]
    steps.append(_driving(side, automatic_car))
    steps.append(_work(work))
    if risky:
        steps = [
            Step(
                s.key,
                s.category,
                s.title,
                s.instructions,
                s.start_day,
                14,
                s.source + "; extended for your risk factors, DOMAIN §11.4",
            )
            if s.key == "elevate-strict"
            else s
            for s in steps
        ]
        steps.append(
            Step(
                "visit-1w",
                "follow_up",
                "Early wound check (about 1 week)",
                "An extra wound check because of your risk factors.",
                7,
                None,
                "DOMAIN §11.4",
            )
        )
    dated: list[PlanItem] = []
    for s in steps:
        starts_on = shifted(operated_on, s.start_day)
        ends_on = shifted(operated_on, s.end_day) if s.end_day is not None else None
        if starts_on is None or (s.end_day is not None and ends_on is None):
            raise ValueError("The date of operation is outside the calendar the plan can use.")
        dated.append(
            PlanItem(s.key, s.category, s.title, s.instructions, starts_on, ends_on, s.source)
        )
    items = tuple(sorted(dated, key=lambda i: (i.starts_on, i.category != "follow_up", i.key)))
    return Plan(template.name, template.version, operated_on, items)
