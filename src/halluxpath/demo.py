"""The demo, composed from each app's demo part, in dependency order.

Patients (with the sites and accounts) first, then synthetic films (dated in
each episode's history), then the surgical records made from them
(assessment, plan, consent, checklist, signed operative record), then
aftercare plans for the operated feet and a theatre day, then the check-ins
(and their alerts) of the feet operated in the last twelve weeks. Each part is
idempotent, so the whole is. No app's demo imports a later app's: this module
is the only place that knows them all (issue 11, clean layers).
"""

from __future__ import annotations

from dataclasses import dataclass

from halluxpath.aftercare.demo import book_demo_theatre_day, load_demo_check_ins, load_demo_plans
from halluxpath.imaging.demo import load_demo_films
from halluxpath.patients.demo import DEFAULT_SEED, DEFAULT_SIZE, DemoReport, load_demo
from halluxpath.surgery.demo import SurgeryDemoReport, load_demo_surgery

__all__ = ["DEFAULT_SEED", "DEFAULT_SIZE", "DemoResult", "load_everything"]


@dataclass(frozen=True)
class DemoResult:
    people: DemoReport
    plans: int
    films: int | None  # None when films were skipped
    surgery: SurgeryDemoReport | None  # None with the films (a plan needs a measured film)
    check_ins: int = 0  # of the feet operated in the last twelve weeks (they need the records)


def load_everything(
    size: int = DEFAULT_SIZE, seed: int = DEFAULT_SEED, *, films: bool = True
) -> DemoResult:
    people = load_demo(size, seed)
    added = load_demo_films(seed) if films else None
    surgery = load_demo_surgery(seed) if films else None
    plans = load_demo_plans() + book_demo_theatre_day()
    check_ins = load_demo_check_ins() if films else 0
    return DemoResult(people, plans, added, surgery, check_ins)
