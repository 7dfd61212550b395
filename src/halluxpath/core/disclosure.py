"""Small-cell suppression for counts that leave the clinical team.

DOMAIN §17 (small-cell suppression) [82]: counts of 1-7 are shown as ``*``
and other counts rounded to the nearest 5, so that no individual can be
picked out of an aggregate table. Zero is shown as zero.
"""

from __future__ import annotations

SUPPRESSED = "*"
SMALLEST_SHOWN = 8
ROUND_TO = 5


def suppress_count(count: int) -> str:
    if count < 0:
        raise ValueError("a count cannot be negative")
    if count == 0:
        return "0"
    if count < SMALLEST_SHOWN:
        return SUPPRESSED
    # Round half up to the nearest multiple of 5 (integer arithmetic, no float).
    return str(((count + ROUND_TO // 2) // ROUND_TO) * ROUND_TO)
