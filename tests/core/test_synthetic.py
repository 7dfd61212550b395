from __future__ import annotations

import re
from datetime import date

from halluxpath.core.episode import EpisodeStatus
from halluxpath.core.synthetic import generate_cohort

TODAY = date(2026, 11, 25)


def test_the_same_seed_gives_the_same_people() -> None:
    assert generate_cohort(50, seed=7, reference_date=TODAY) == generate_cohort(
        50, seed=7, reference_date=TODAY
    )
    assert generate_cohort(50, seed=7, reference_date=TODAY) != generate_cohort(
        50, seed=8, reference_date=TODAY
    )


def test_identifiers_and_contacts_cannot_belong_to_a_real_person() -> None:
    for person in generate_cohort(300, reference_date=TODAY):
        assert re.fullmatch(r"DEMO\d{6}", person.hospital_number)
        assert re.fullmatch(r"07700 900\d{3}", person.phone)  # Ofcom drama range
        assert person.email.endswith("@example.org")


def test_the_cohort_covers_every_stage_and_both_feet() -> None:
    cohort = generate_cohort(300, reference_date=TODAY)
    episodes = [e for p in cohort for e in p.episodes]
    assert {e.status for e in episodes} == set(EpisodeStatus)
    assert {e.side for e in episodes} == {"left", "right"}
    assert any(len(p.episodes) == 2 for p in cohort)
    assert len({e.surgeon for e in episodes}) >= 3


def test_dates_are_plausible() -> None:
    for person in generate_cohort(300, reference_date=TODAY):
        age = (TODAY - person.date_of_birth).days / 365.25
        assert 18 <= age < 90
        for episode in person.episodes:
            assert person.date_of_birth < episode.referred_on <= TODAY


def test_hallux_valgus_cohort_is_mostly_women() -> None:
    cohort = generate_cohort(1000, reference_date=TODAY)
    women = sum(p.sex == "female" for p in cohort) / len(cohort)
    assert 0.6 < women < 0.8
