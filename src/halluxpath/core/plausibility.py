"""Measures a film can plausibly show: values outside these are flagged before they are saved.

A landmark placed on the wrong bone gives a number the arithmetic accepts but
no foot has (an IMA of 50.8° or an HVIA of -53.5° were saved unchallenged).
DOMAIN.md gives normal values and severity bands (§2) and the reported size
of an MIS translation and of the first metatarsal's shaft (§4), but no
outer limit of what a radiograph can show; the limits below are the
project's, set well beyond the worst published grade, and each names what
it rests on. A value outside is a warning, never a refusal: the person
measuring confirms it (a rare deformity is real), and the confirmation is
audited.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class PlausibleRange:
    """Inclusive limits of one output key of the measurement contract."""

    key: str
    label: str
    low: float
    high: float
    unit: str
    source: str


RANGES: tuple[PlausibleRange, ...] = (
    PlausibleRange(
        "hva_deg",
        "HVA",
        -30.0,
        65.0,
        "°",
        "DOMAIN §2: normal below 15°, severe above 40°; outer limits set by the project",
    ),
    PlausibleRange(
        "ima_deg",
        "IMA",
        -5.0,
        25.0,
        "°",
        "DOMAIN §2: normal below 9°, severe above 16°; outer limits set by the project",
    ),
    PlausibleRange(
        "hvia_deg",
        "HVIA",
        -20.0,
        40.0,
        "°",
        "DOMAIN §2: normal below 10°; outer limits set by the project",
    ),
    PlausibleRange(
        "dmaa_deg",
        "DMAA",
        -25.0,
        45.0,
        "°",
        "DOMAIN §2: normal below 10°; outer limits set by the project",
    ),
    PlausibleRange(
        "translation_pct",
        "Translation",
        0.0,
        100.0,
        "%",
        "DOMAIN §4: reported MIS shifts reach about 100 % of shaft width",
    ),
    PlausibleRange(
        "osteotomy_width_mm",
        "Shaft width",
        8.0,
        20.0,
        " mm",
        "DOMAIN §4: shaft width 13.7 ± 1.0 mm (men), 11.7 ± 0.9 mm (women)",
    ),
)


def _number(value: float) -> str:
    text = f"{value:g}"
    return text.replace("-", "\u2212")


@dataclass(frozen=True)
class ImplausibleValue:
    """One measure outside its plausible range, with the words to show."""

    key: str
    label: str
    value: float
    low: float
    high: float
    unit: str
    source: str

    @property
    def summary(self) -> str:
        """The warning without its source (a page shows the source small beside it)."""
        return (
            f"{self.label} {_number(self.value)}{self.unit} is outside the plausible range "
            f"{_number(self.low)}{self.unit} to {_number(self.high)}{self.unit}."
        )

    @property
    def message(self) -> str:
        return (
            f"{self.summary[:-1]} ({self.source}). "
            "Check the landmarks; save only if the film really shows this."
        )

    def to_json(self) -> dict[str, object]:
        return {
            "measure": self.key,
            "value": self.value,
            "low": self.low,
            "high": self.high,
            "unit": self.unit.strip(),
            "source": self.source,
            "message": self.message,
        }


def implausible_values(results: Mapping[str, object]) -> list[ImplausibleValue]:
    """The measures of a ``halluxpath.measurements/1`` document outside their range.

    Missing or null measures are not checked; booleans are not numbers.
    """
    found = []
    for limit in RANGES:
        value = results.get(limit.key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        if not limit.low <= value <= limit.high:
            found.append(
                ImplausibleValue(
                    limit.key,
                    limit.label,
                    float(value),
                    limit.low,
                    limit.high,
                    limit.unit,
                    limit.source,
                )
            )
    return found
