"""The demo's complication rates and the course each kind runs (DOMAIN §7).

Kept apart from the loader so the table reads as what it is: per 100
operated feet, the MIS rate DOMAIN §7 pools where there is one [78], the
demo's own small share where §7 pools none (said so beside it), and for each
kind how it runs: onset, grade in both systems, treatment, reoperation,
implant removal, resolution.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from halluxpath.core.complications import GradeSystem, Kind

ANY_COMPLICATION_PCT = 16.6  # DOMAIN §7 [78]: any complication, MIS burr-based

# Per 100 operated feet. Pooled MIS rates of DOMAIN §7 [78] where there is one;
# the rest of the 16.6 % spread over the kinds §7 does not pool (the demo's choice).
DEMO_SHARE_PCT: dict[Kind, float] = {
    Kind.HARDWARE_IRRITATION: 6.2,  # [78] irritation or removal
    Kind.NERVE_INJURY: 2.2,  # [78]
    Kind.RECURRENCE: 2.2,  # [78]; only from the films (confirmed proposals), never drawn
    Kind.INFECTION_SUPERFICIAL: 0.8,  # [78] 1.1 % superficial and deep together
    Kind.INFECTION_DEEP: 0.3,
    Kind.VENOUS_THROMBOSIS: 0.6,  # [74] 0.6-1.0 % symptomatic, the lower figure
    Kind.NON_UNION: 0.4,  # [78]
    Kind.TRANSFER_METATARSALGIA: 0.1,  # [78]
    Kind.HALLUX_VARUS: 0.09,  # [78]
    # Not pooled for MIS in §7 (the demo's shares, 3.71 % in all):
    Kind.STIFFNESS: 1.2,
    Kind.DELAYED_WOUND_HEALING: 0.9,
    Kind.CRPS: 0.6,
    Kind.BURR_BURN: 0.5,
    Kind.MALUNION: 0.51,
}


@dataclass(frozen=True)
class Course:
    """How one kind of complication runs: when it starts, how it is graded and treated.

    Days are counted from the operation (``onset_days``), from the onset
    (``reoperation_days``) and from the reoperation, or the onset when there
    is none (``resolution_days``). ``persists`` is the share never resolved.
    """

    onset_days: tuple[int, int]
    cd_grade: str  # Clavien-Dindo (DOMAIN §7 [84])
    cds_grade: str  # Clavien-Dindo-Sink (DOMAIN §7 [87])
    treatment: str
    resolution_days: tuple[int, int]
    persists: float = 0.0
    reoperation_days: tuple[int, int] | None = None
    reoperation_reason: str = ""
    implant_removed: bool = False
    weight: int = 1  # among the courses of one kind

    def grade(self, system: GradeSystem) -> str:
        return self.cd_grade if system == GradeSystem.CLAVIEN_DINDO else self.cds_grade

    def fits(self, follow_up_days: int) -> bool:
        """Whether the course can have started (and been reoperated) by now."""
        reoperation = self.reoperation_days[0] if self.reoperation_days else 0
        return self.onset_days[0] + reoperation <= follow_up_days

    @property
    def days_to_resolve(self) -> int:
        """The shortest time from the operation to the resolution of this course."""
        reoperation = self.reoperation_days[0] if self.reoperation_days else 0
        return self.onset_days[0] + reoperation + self.resolution_days[0]


COURSES: dict[Kind, tuple[Course, ...]] = {
    Kind.INFECTION_SUPERFICIAL: (
        Course(
            (4, 21),
            "II",
            "II",
            "Oral flucloxacillin for 7 days; wound reviewed in the nurse clinic.",
            (7, 21),
        ),
    ),
    Kind.INFECTION_DEEP: (
        Course(
            (10, 60),
            "IIIb",
            "III",
            "Intravenous then oral antibiotics for 6 weeks, guided by the deep samples.",
            (42, 120),
            reoperation_days=(1, 7),
            reoperation_reason="Deep infection around the screws: washout, debridement "
            "and removal of the screws under general anaesthetic.",
            implant_removed=True,
            weight=2,
        ),
        Course(
            (10, 60),
            "IIIb",
            "III",
            "Intravenous then oral antibiotics for 6 weeks, guided by the deep samples.",
            (42, 120),
            reoperation_days=(1, 7),
            reoperation_reason="Deep infection: washout and debridement under general "
            "anaesthetic; the fixation was stable and left in place.",
        ),
    ),
    Kind.NERVE_INJURY: (
        Course(
            (1, 14),
            "I",
            "I",
            "Numbness of the dorsomedial hallux explained; desensitisation advice.",
            (90, 270),
            persists=0.35,
        ),
    ),
    Kind.VESSEL_INJURY: (
        Course(
            (0, 3),
            "I",
            "I",
            "Toe colour returned after loosening the dressing; observed for 4 hours.",
            (1, 3),
        ),
    ),
    Kind.DELAYED_WOUND_HEALING: (
        Course(
            (10, 28),
            "I",
            "II",
            "Dressings in the nurse clinic twice a week until healed.",
            (14, 42),
        ),
    ),
    Kind.BURR_BURN: (
        Course(
            (0, 7),
            "I",
            "II",
            "Skin burn at the burr portal: dressings until healed.",
            (14, 35),
        ),
    ),
    Kind.STIFFNESS: (
        Course(
            (42, 120),
            "I",
            "II",
            "Physiotherapy: mobilisation of the big toe joint and home exercises.",
            (60, 180),
            persists=0.3,
        ),
    ),
    Kind.MALUNION: (
        Course(
            (42, 182),
            "I",
            "I",
            "First metatarsal shortened on the follow-up film: accepted; watched for "
            "transfer pain.",
            (90, 180),
            persists=0.6,
        ),
    ),
    Kind.NON_UNION: (
        Course(
            (90, 180),
            "IIIb",
            "III",
            "CT confirmed non-union of the first metatarsal osteotomy.",
            (90, 180),
            reoperation_days=(30, 90),
            reoperation_reason="Symptomatic non-union of the osteotomy: revision fixation "
            "with bone graft under general anaesthetic; the screws exchanged.",
            implant_removed=True,
        ),
    ),
    Kind.HALLUX_VARUS: (
        Course(
            (42, 180),
            "IIIb",
            "III",
            "Splinting first, then surgery when it did not hold.",
            (60, 120),
            reoperation_days=(60, 180),
            reoperation_reason="Painful hallux varus: soft-tissue correction (extensor "
            "hallucis brevis tenodesis) under general anaesthetic.",
        ),
    ),
    Kind.TRANSFER_METATARSALGIA: (
        Course(
            (90, 300),
            "I",
            "II",
            "Metatarsal pad and insoles from the orthotics clinic.",
            (60, 180),
            persists=0.3,
        ),
    ),
    Kind.HARDWARE_IRRITATION: (
        Course(
            (90, 365),
            "IIIa",
            "III",
            "Screw removal as a day case under local anaesthetic.",
            (14, 42),
            reoperation_days=(21, 90),
            reoperation_reason="Prominent screw head irritating the skin over the first "
            "metatarsal: screw removed under local anaesthetic.",
            implant_removed=True,
            weight=2,
        ),
        Course(
            (90, 365),
            "I",
            "I",
            "Shoe advice and padding; removal offered if it persists.",
            (60, 180),
            persists=0.4,
        ),
    ),
    Kind.CRPS: (
        Course(
            (14, 60),
            "II",
            "II",
            "Pain clinic: neuropathic analgesia and graded physiotherapy.",
            (120, 365),
            persists=0.4,
        ),
    ),
    Kind.VENOUS_THROMBOSIS: (
        Course(
            (5, 35),
            "II",
            "II",
            "Deep vein thrombosis on duplex ultrasound: apixaban for 3 months.",
            (90, 100),
        ),
    ),
}
RECURRENCE_TREATMENT = "Explained and monitored; revision to be discussed if it becomes painful."


def days_to_resolve(kind: Kind) -> int:
    """The shortest time from the operation to the resolution of any course of ``kind``."""
    return min(c.days_to_resolve for c in COURSES[kind])


def quota(total: int, shares: dict[Kind, float]) -> dict[Kind, int]:
    """``total`` split over the kinds in proportion to ``shares`` (largest remainder)."""
    weight = sum(shares.values())
    if total <= 0 or weight <= 0:
        return dict.fromkeys(shares, 0)
    exact = {kind: total * share / weight for kind, share in shares.items()}
    split = {kind: int(value) for kind, value in exact.items()}
    by_remainder = sorted(exact, key=lambda k: (-(exact[k] - split[k]), -shares[k], k.value))
    for kind in by_remainder[: total - sum(split.values())]:
        split[kind] += 1
    return split


def course_for(kind: Kind, rng: random.Random, follow_up_days: int) -> Course | None:
    """One of the kind's courses (by weight) that can have run its whole course by
    ``follow_up_days``, else one that can at least have started; None if none can."""
    courses = COURSES.get(kind, ())
    fitting = [c for c in courses if c.days_to_resolve <= follow_up_days] or [
        c for c in courses if c.fits(follow_up_days)
    ]
    if not fitting:
        return None
    return rng.choices(fitting, weights=[c.weight for c in fitting])[0]
