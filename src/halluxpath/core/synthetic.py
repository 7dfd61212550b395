"""A deterministic generator of synthetic patients for the demo and benchmarks.

Nobody in the output exists. Names are drawn from lists of common names and
combined at random; identifiers carry the ``DEMO`` prefix that no hospital
issues; telephone numbers are in the UK range Ofcom keeps for drama
(07700 900000-900999) and e-mail addresses are at ``example.org`` (RFC 2606).
The same ``size``, ``seed`` and ``reference_date`` always give the same
cohort, so demo data, tests and benchmarks are reproducible.

The shape follows DOMAIN §1: hallux valgus is about twice as common in women
(30 % vs 13 % [5]), most patients are adults of working age or older, and
some have both feet treated as separate episodes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from halluxpath.core.episode import DEFAULT_DIAGNOSIS, EpisodeStatus

GIVEN_NAMES_FEMALE = (
    "Amelia",
    "Olivia",
    "Isla",
    "Ava",
    "Emily",
    "Sophia",
    "Grace",
    "Mia",
    "Poppy",
    "Ella",
    "Lily",
    "Evie",
    "Jessica",
    "Ruby",
    "Chloe",
    "Freya",
    "Alice",
    "Florence",
    "Hannah",
    "Priya",
    "Aisha",
    "Mei",
    "Zofia",
    "Niamh",
    "Siobhan",
    "Fatima",
    "Ines",
    "Leila",
)
GIVEN_NAMES_MALE = (
    "Oliver",
    "George",
    "Harry",
    "Noah",
    "Jack",
    "Leo",
    "Arthur",
    "Oscar",
    "Charlie",
    "Jacob",
    "Thomas",
    "Henry",
    "William",
    "Rohan",
    "Kwame",
    "Tomasz",
    "Ciaran",
    "Omar",
)
FAMILY_NAMES = (
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Khan",
    "Nowak",
    "Okafor",
    "Murphy",
    "O'Brien",
    "Chen",
    "Singh",
    "Hughes",
    "Edwards",
    "Mensah",
    "Kowalski",
    "Ahmed",
    "Lewis",
    "Harris",
    "Martin",
)

# Share of episodes at each stage of care, and how long ago (in days) such
# an episode was typically referred: later stages were referred earlier.
STATUS_MIX: tuple[tuple[EpisodeStatus, float, tuple[int, int]], ...] = (
    (EpisodeStatus.REFERRED, 0.14, (1, 40)),
    (EpisodeStatus.ASSESSED, 0.14, (20, 90)),
    (EpisodeStatus.PLANNED, 0.14, (40, 150)),
    (EpisodeStatus.OPERATED, 0.10, (60, 200)),
    (EpisodeStatus.FOLLOW_UP, 0.32, (90, 500)),
    (EpisodeStatus.DISCHARGED, 0.16, (300, 800)),
)


@dataclass(frozen=True)
class SurgeonSlot:
    """A surgeon in the demo and the care team they work in."""

    username: str
    care_team: str


DEMO_SURGEONS = (
    SurgeonSlot("surgeon", "Forefoot team A"),
    SurgeonSlot("surgeon-b", "Forefoot team A"),
    SurgeonSlot("surgeon-c", "Forefoot team B"),
)


@dataclass(frozen=True)
class SyntheticEpisode:
    side: str  # "left" or "right"
    status: EpisodeStatus
    referred_on: date
    surgeon: str  # a DEMO_SURGEONS username
    care_team: str
    diagnosis: str = DEFAULT_DIAGNOSIS


@dataclass(frozen=True)
class SyntheticPatient:
    hospital_number: str
    given_name: str
    family_name: str
    date_of_birth: date
    sex: str  # FHIR administrative gender: female, male, other, unknown
    phone: str
    email: str
    episodes: tuple[SyntheticEpisode, ...]


def hospital_number(index: int) -> str:
    """The identifier of the ``index``-th synthetic patient (1-based)."""
    return f"DEMO{index:06d}"


def generate_cohort(size: int, *, seed: int = 2026, reference_date: date) -> list[SyntheticPatient]:
    """Return ``size`` synthetic patients, the same ones for the same arguments."""
    if size < 0:
        raise ValueError("size cannot be negative")
    rng = random.Random(seed)
    statuses = [s for s, _, _ in STATUS_MIX]
    weights = [w for _, w, _ in STATUS_MIX]
    ages_ago = {s: span for s, _, span in STATUS_MIX}
    patients = []
    for index in range(1, size + 1):
        sex = "female" if rng.random() < 0.70 else "male"
        given = rng.choice(GIVEN_NAMES_FEMALE if sex == "female" else GIVEN_NAMES_MALE)
        family = rng.choice(FAMILY_NAMES)
        age_years = min(max(int(rng.gauss(54, 13)), 18), 88)
        birth = reference_date - timedelta(days=age_years * 365 + rng.randrange(365))
        slot = rng.choice(DEMO_SURGEONS)
        sides = ["left", "right"]
        rng.shuffle(sides)
        episode_count = 2 if rng.random() < 0.18 else 1
        episodes = []
        for side in sides[:episode_count]:
            status = rng.choices(statuses, weights)[0]
            low, high = ages_ago[status]
            referred_on = reference_date - timedelta(days=rng.randint(low, high))
            episodes.append(
                SyntheticEpisode(side, status, referred_on, slot.username, slot.care_team)
            )
        patients.append(
            SyntheticPatient(
                hospital_number=hospital_number(index),
                given_name=given,
                family_name=family,
                date_of_birth=birth,
                sex=sex,
                phone=f"07700 900{index % 1000:03d}",
                email=f"{given}.{family}.{index}@example.org".lower().replace("'", ""),
                episodes=tuple(sorted(episodes, key=lambda e: e.referred_on)),
            )
        )
    return patients
