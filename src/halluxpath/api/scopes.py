"""What an API token may do: read or write, in which area of the record (docs/api.md, Tokens).

A scope is ``<area>:<access>``. The areas are the API's routers, each named
for the record types it serves (``RECORDS``); ``write`` includes ``read``
of the same area. A request's access is ``read`` for ``GET`` and ``HEAD``
(and for every call of an area that stores nothing, such as
``/measurements/compute``), ``write`` otherwise. The vocabulary is defined
here once: the model stores the names, the forms and the typed input offer
and check them, the authentication asks :func:`grants`.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Area(StrEnum):
    PATIENTS = "patients"
    RADIOGRAPHS = "radiographs"
    MEASUREMENTS = "measurements"
    SURGERY = "surgery"
    AFTERCARE = "aftercare"


class Access(StrEnum):
    READ = "read"
    WRITE = "write"


# The record types each area's endpoints read and change (api/<area>.py).
RECORDS: dict[Area, str] = {
    Area.PATIENTS: "patients, episodes of care, their status changes and journeys",
    Area.RADIOGRAPHS: "radiographs, their details, calibration, landmarks and measurements",
    Area.MEASUREMENTS: "measures computed from landmarks (nothing is stored)",
    Area.SURGERY: "assessments, plans, consent sheets, safety checklists, operative records",
    Area.AFTERCARE: "aftercare plans and visits, triage alerts, pathway templates, "
    "portal invitations and reminders",
}

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def scope(area: Area, access: Access) -> str:
    return f"{area.value}:{access.value}"


ALL_SCOPES: tuple[str, ...] = tuple(scope(a, x) for a in Area for x in Access)


def access_of(method: str, *, stores_nothing: bool = False) -> Access:
    return Access.READ if stores_nothing or method.upper() in SAFE_METHODS else Access.WRITE


def grants(held: Iterable[str], area: Area, access: Access) -> bool:
    """Whether scopes ``held`` allow ``access`` to ``area`` (write includes read)."""
    names = set(held)
    return scope(area, Access.WRITE) in names or (
        access is Access.READ and scope(area, Access.READ) in names
    )


def normalised(names: Iterable[str]) -> tuple[str, ...]:
    """Known scopes in the vocabulary's order, a ``read`` dropped beside its ``write``."""
    given = set(names)
    unknown = given - set(ALL_SCOPES)
    if unknown:
        raise ValueError(f"unknown scope {sorted(unknown)[0]!r}")
    return tuple(
        s
        for s in ALL_SCOPES
        if s in given and not (s.endswith(":read") and s.replace(":read", ":write") in given)
    )
