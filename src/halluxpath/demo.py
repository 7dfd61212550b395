"""The demo, composed from each app's demo part, in dependency order.

Patients (with the sites and accounts) first, then aftercare plans for the
operated feet, then synthetic films. Each part is idempotent, so the whole
is. No app's demo imports a later app's: this module is the only place that
knows them all (issue 11, clean layers).
"""

from __future__ import annotations

from dataclasses import dataclass

from halluxpath.aftercare.demo import load_demo_plans
from halluxpath.imaging.demo import load_demo_films
from halluxpath.patients.demo import DEFAULT_SEED, DEFAULT_SIZE, DemoReport, load_demo

__all__ = ["DEFAULT_SEED", "DEFAULT_SIZE", "DemoResult", "load_everything"]


@dataclass(frozen=True)
class DemoResult:
    people: DemoReport
    plans: int
    films: int | None  # None when films were skipped


def load_everything(
    size: int = DEFAULT_SIZE, seed: int = DEFAULT_SEED, *, films: bool = True
) -> DemoResult:
    people = load_demo(size, seed)
    plans = load_demo_plans()
    return DemoResult(people, plans, load_demo_films(seed) if films else None)
