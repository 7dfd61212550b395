"""The WHO Surgical Safety Checklist (2009) and the three-way laterality check (DOMAIN §9).

Item numbers are DOMAIN's stable ids (1-19). Phases are completed in order:
Sign In before induction, Time Out before incision, Sign Out before the
patient leaves theatre. The side is checked three ways, the episode, the
consent and the radiograph's label: a mismatch, or a side that cannot be
confirmed, blocks the Time Out until it is resolved. Marking the site does not
replace this check (DOMAIN §9 [92]).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from halluxpath.core.vocabulary import Labelled


class Phase(Labelled):
    """The checklist's three phases, in the order they are completed."""

    SIGN_IN = "sign_in", "Sign In (before induction of anaesthesia)"
    TIME_OUT = "time_out", "Time Out (before skin incision)"
    SIGN_OUT = "sign_out", "Sign Out (before the patient leaves theatre)"

    @property
    def short_label(self) -> str:
        """ "Sign In", "Time Out", "Sign Out"."""
        return self.label.split(" (")[0]


PHASES = Phase.values()
PHASE_LABELS = dict(Phase.choices())


class TeamRole(Labelled):
    """The theatre team the checklist names (DOMAIN §9: surgeon, anaesthetist and nurse)."""

    SURGEON = "surgeon", "Surgeon"
    ANAESTHETIST = "anaesthetist", "Anaesthetist"
    SCRUB_NURSE = "scrub_nurse", "Scrub nurse or ODP"


@dataclass(frozen=True)
class Item:
    """One checklist item and the team member whose item it is to confirm.

    Owners follow the WHO checklist as DOMAIN §9 gives it: the anaesthesia
    checks of the Sign In (machine and medication, pulse oximeter, allergy,
    airway, blood loss), the anaesthetist's concerns and the antibiotic given
    are the anaesthetist's; the surgeon's review, the mark and the imaging
    are the surgeon's; identity, the team's introductions and side
    confirmation (run by the checklist coordinator) and the Sign Out that
    "the nurse confirms aloud" are the nurse's; the closing review of key
    concerns is the surgeon's with the team.
    """

    number: int
    phase: str
    text: str
    owner: TeamRole = TeamRole.SCRUB_NURSE


ITEMS: tuple[Item, ...] = (
    Item(1, "sign_in", "Patient has confirmed identity, site, procedure and consent"),
    Item(2, "sign_in", "Site marked (or not applicable)", TeamRole.SURGEON),
    Item(3, "sign_in", "Anaesthesia machine and medication check complete", TeamRole.ANAESTHETIST),
    Item(4, "sign_in", "Pulse oximeter on the patient and functioning", TeamRole.ANAESTHETIST),
    Item(5, "sign_in", "Known allergy checked", TeamRole.ANAESTHETIST),
    Item(
        6,
        "sign_in",
        "Difficult airway or aspiration risk checked (equipment and help available if yes)",
        TeamRole.ANAESTHETIST,
    ),
    Item(
        7,
        "sign_in",
        "Risk of more than 500 ml blood loss checked (access and fluids planned if yes)",
        TeamRole.ANAESTHETIST,
    ),
    Item(8, "time_out", "All team members have introduced themselves by name and role"),
    Item(9, "time_out", "Patient's name, procedure and side of incision confirmed"),
    Item(
        10,
        "time_out",
        "Surgeon: critical or non-routine steps, duration, expected blood loss",
        TeamRole.SURGEON,
    ),
    Item(11, "time_out", "Anaesthetist: patient-specific concerns", TeamRole.ANAESTHETIST),
    Item(12, "time_out", "Nursing team: sterility confirmed, equipment issues or concerns"),
    Item(
        13,
        "time_out",
        "Antibiotic prophylaxis given within the last 60 minutes (or not applicable)",
        TeamRole.ANAESTHETIST,
    ),
    Item(
        14,
        "time_out",
        "Essential imaging displayed: the planning film with its measurements",
        TeamRole.SURGEON,
    ),
    Item(15, "sign_out", "Name of the procedure recorded"),
    Item(16, "sign_out", "Instrument, swab and sharps counts complete"),
    Item(17, "sign_out", "Specimens labelled (read aloud, with the patient's name) or none"),
    Item(18, "sign_out", "Equipment problems to be addressed identified"),
    Item(
        19,
        "sign_out",
        "Surgeon, anaesthetist and nurse reviewed key concerns for recovery",
        TeamRole.SURGEON,
    ),
)


def items_of(phase: str) -> tuple[Item, ...]:
    return tuple(item for item in ITEMS if item.phase == phase)


ANAESTHETIST_ITEMS = tuple(i.number for i in ITEMS if i.owner is TeamRole.ANAESTHETIST)


def confirmers(phase: str, team: Mapping[str, str]) -> dict[int, tuple[str, str]]:
    """Item number -> (team role, name) of who confirms each item of ``phase``.

    Every role that owns an item of the phase must be named in ``team``
    (role value -> name): an anaesthetist's item names the anaesthetist who
    confirmed it. Raises ``ChecklistRefused`` naming the missing roles.
    """
    items = items_of(phase)
    missing = [
        role
        for role in TeamRole
        if any(i.owner is role for i in items) and not str(team.get(role.value, "")).strip()
    ]
    if missing:
        raise ChecklistRefused(
            "Name the "
            + " and the ".join(role.label[0].lower() + role.label[1:] for role in missing)
            + ": their items are confirmed by name."
        )
    return {i.number: (i.owner.value, str(team[i.owner.value]).strip()) for i in items}


@dataclass(frozen=True)
class LateralityCheck:
    ok: bool
    sources: tuple[tuple[str, str], ...]  # (where, side or "")
    message: str


def check_laterality(episode_side: str, consent_side: str, film_side: str) -> LateralityCheck:
    """All three must name the same side; a missing one cannot confirm it."""
    sources = (
        ("episode", episode_side),
        ("consent sheet", consent_side),
        ("radiograph label", film_side),
    )
    missing = [where for where, side in sources if side not in ("left", "right")]
    if missing:
        return LateralityCheck(
            False,
            sources,
            "The side cannot be confirmed: no side on the " + " or ".join(missing) + ".",
        )
    sides = {side for _, side in sources}
    if len(sides) > 1:
        detail = ", ".join(f"{where} says {side.upper()}" for where, side in sources)
        return LateralityCheck(
            False, sources, f"The sides do not match: {detail}. Resolve this before the Time Out."
        )
    return LateralityCheck(True, sources, f"All three say {episode_side.upper()}.")


class ChecklistRefused(ValueError):
    """A phase that cannot be completed yet, with the reason."""


def check_phase(
    phase: str,
    ticked: Mapping[int, bool],
    completed: set[str],
    laterality: LateralityCheck | None,
) -> None:
    """Raise ``ChecklistRefused`` unless ``phase`` may be completed now.

    Only the Time Out asks the laterality check (its three sources are read
    from the records, so callers need not gather it for the other phases and
    may pass None there).
    """
    if phase not in PHASES:
        raise ChecklistRefused(f"unknown phase {phase!r}")
    if phase in completed:
        raise ChecklistRefused(f"{PHASE_LABELS[phase]} is already complete.")
    earlier = PHASES[: PHASES.index(phase)]
    for before in earlier:
        if before not in completed:
            raise ChecklistRefused(f"Complete {PHASE_LABELS[before]} first.")
    open_items = [item.number for item in items_of(phase) if not ticked.get(item.number)]
    if open_items:
        raise ChecklistRefused(
            "Every item must be checked; still open: " + ", ".join(str(n) for n in open_items) + "."
        )
    if phase == "time_out":
        if laterality is None:
            raise ValueError("the Time Out needs the three-way laterality check")
        if not laterality.ok:
            raise ChecklistRefused(laterality.message)
