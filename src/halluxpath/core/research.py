"""De-identification rules of the research export (DOMAIN §18) and its data dictionary.

What leaves a site in a research dataset is decided here, as pure functions,
so the rules are tested on their own and the export (the ``research`` app)
only applies them:

- identifiers become per-export pseudonyms: a keyed hash (HMAC-SHA256) of the
  record's id under a random key made for that one export and kept at the
  site, so two exports cannot be linked by their pseudonyms, while the site,
  holding the key, can still answer a query about one row;
- dates become whole days from the operation (day 0, negative before it);
- age is given in five-year bands, with everyone aged 90 or more in "90+"
  (HIPAA Safe Harbor, 45 CFR 164.514(b)(2)(i)(C));
- BMI in the WHO bands, not the measured value.

``Column`` describes one column for the data dictionary (name, meaning, type,
unit, allowed values), written beside the data in every export.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

PSEUDONYM_KEY_BYTES = 32
PSEUDONYM_LENGTH = 12  # base32 characters: 60 bits, no collision among a site's records
OLDEST_BAND = 90  # Safe Harbor: ages over 89 are one group
YOUNGEST_BAND = 20  # below this, one band "<20"
BAND_WIDTH = 5

ColumnType = Literal["integer", "number", "text", "boolean"]


def new_pseudonym_key() -> bytes:
    """A fresh random key for one export (never reused, never in the export)."""
    return secrets.token_bytes(PSEUDONYM_KEY_BYTES)


def pseudonym(key: bytes, kind: str, identifier: object, prefix: str) -> str:
    """The export's pseudonym of one record: ``prefix`` + 12 base32 characters.

    ``kind`` separates the kinds of id (patient 7 and episode 7 get different
    pseudonyms). Without the key the pseudonym says nothing about the id.
    """
    if len(key) < 16:
        raise ValueError("a pseudonym key needs at least 16 random bytes")
    digest = hmac.new(key, f"{kind}:{identifier}".encode(), hashlib.sha256).digest()
    return prefix + base64.b32encode(digest).decode("ascii")[:PSEUDONYM_LENGTH]


def day_offset(day: dt.date | None, day_zero: dt.date) -> int | None:
    """Whole days from the operation (day 0) to ``day``: negative before it, None if unknown."""
    if day is None:
        return None
    return (day - day_zero).days


def age_in_years(born_on: dt.date, on: dt.date) -> int:
    """Completed years of age on ``on`` (a birthday on 29 February counts from 1 March)."""
    years = on.year - born_on.year
    if (on.month, on.day) < (born_on.month, born_on.day):
        years -= 1
    return years


def age_band(age_years: int) -> str:
    """Five-year band of an age: "<20", "20-24", ... "85-89", and "90+" (DOMAIN §18)."""
    if age_years < 0:
        raise ValueError("an age cannot be negative")
    if age_years >= OLDEST_BAND:
        return f"{OLDEST_BAND}+"
    if age_years < YOUNGEST_BAND:
        return f"<{YOUNGEST_BAND}"
    low = age_years - age_years % BAND_WIDTH
    return f"{low}-{low + BAND_WIDTH - 1}"


AGE_BANDS: tuple[str, ...] = (
    f"<{YOUNGEST_BAND}",
    *(f"{low}-{low + BAND_WIDTH - 1}" for low in range(YOUNGEST_BAND, OLDEST_BAND, BAND_WIDTH)),
    f"{OLDEST_BAND}+",
)

# WHO adult BMI classes (kg/m²): lower bound inclusive.
BMI_BANDS: tuple[tuple[float, str], ...] = (
    (40.0, "40+"),
    (35.0, "35-39.9"),
    (30.0, "30-34.9"),
    (25.0, "25-29.9"),
    (18.5, "18.5-24.9"),
)
UNDERWEIGHT = "<18.5"
BMI_BAND_NAMES: tuple[str, ...] = (UNDERWEIGHT, *reversed([name for _, name in BMI_BANDS]))


def bmi_band(bmi: float | None) -> str | None:
    """The WHO band of a BMI, or None when it was not recorded."""
    if bmi is None:
        return None
    for lower, name in BMI_BANDS:
        if bmi >= lower:
            return name
    return UNDERWEIGHT


@dataclass(frozen=True)
class Column:
    """One column of an exported table, as the data dictionary describes it."""

    name: str
    meaning: str
    type: ColumnType
    unit: str = ""
    allowed: Sequence[str] = field(default=())

    def allowed_text(self) -> str:
        return "; ".join(self.allowed)
