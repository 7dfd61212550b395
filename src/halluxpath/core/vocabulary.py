"""Clinical enumerations written once, each value with the label a clinician reads.

Every clinical vocabulary (smoking status, ASA grade, technique, osteotomy
level...) is a :class:`Labelled` string enumeration in the core module it
belongs to; the model choices, the form choices and the API schemas are
derived from it (``Smoking.choices()``, or the enum itself as a pydantic
type, which OpenAPI lists value by value). A member is its stored string, so
``Smoking.CURRENT == "current"`` and rows written before the enumeration
existed read unchanged.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self


class Labelled(StrEnum):
    """A string enumeration whose members are declared ``NAME = "value", "Label"``."""

    label: str

    def __new__(cls, value: str, label: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label or value.replace("_", " ")
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """``(value, label)`` pairs in declaration order, for model and form choices."""
        return [(member.value, member.label) for member in cls]

    @classmethod
    def values(cls) -> tuple[str, ...]:
        return tuple(member.value for member in cls)
