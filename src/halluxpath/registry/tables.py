"""A dashboard section's table, and how its cells are shown to whom (DOMAIN §17).

Every figure on a dashboard is a cell of a ``Table``: the page shows the
table under its chart, the CSV download is the same cells, and the chart is
drawn from the same shown values, so a chart never shows a number its table
hides. ``Shown`` applies the small-cell rule for de-identified viewers:
counts below the threshold are ``*``, other counts rounded to 5; a mean or
median of fewer people than the threshold is not shown; a percentage is shown
only when neither its numerator nor the rest of its denominator is a
suppressed count (otherwise it could be worked back). Numbers that are not
counts always carry a decimal place ("5.0"), so a count is the only cell that
looks like a whole number.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from halluxpath.core.disclosure import ROUND_TO, SUPPRESSED

NOT_AVAILABLE = "—"


@dataclass(frozen=True)
class Column:
    label: str
    numeric: bool = True


PAGE_ROWS = 100  # a longer table is thinned on the page (every k-th row); its CSV has all


@dataclass(frozen=True)
class Table:
    caption: str
    columns: tuple[Column, ...]
    rows: list[list[str]]

    @property
    def header(self) -> list[str]:
        return [c.label for c in self.columns]

    @property
    def every(self) -> int:
        """1, or the k of "every k-th row" when the page thins a long table."""
        return 1 if len(self.rows) <= PAGE_ROWS else math.ceil(len(self.rows) / PAGE_ROWS)

    @property
    def page_rows(self) -> list[list[str]]:
        """The rows the page shows: all, or every k-th and the last (a case-by-case curve)."""
        if self.every == 1:
            return self.rows
        shown = self.rows[:: self.every]
        return shown if shown[-1] is self.rows[-1] else [*shown, self.rows[-1]]


@dataclass(frozen=True)
class Section:
    """One figure of a dashboard: what it is, where it comes from, its limits, its numbers.

    ``chart`` is the kind of chart (``registry.charts``) and ``plot`` the
    shown values it is drawn from; a section without a chart has only its table.
    """

    slug: str
    title: str
    about: str
    source: str
    limits: str
    table: Table
    chart: str = ""
    plot: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def has_numbers(self) -> bool:
        return bool(self.table.rows)


@dataclass(frozen=True)
class Shown:
    """Counts as they are (``smallest`` None) or under the small-cell rule."""

    smallest: int | None

    def enough(self, n: int) -> bool:
        return self.smallest is None or n >= self.smallest

    def hidden(self, n: int) -> bool:
        """A count that is suppressed (1 to smallest − 1)."""
        return self.smallest is not None and 0 < n < self.smallest

    def count_value(self, n: int) -> int | None:
        """The count as shown, as a number (None when suppressed): for the charts."""
        if self.smallest is None or n == 0:
            return n
        if n < self.smallest:
            return None
        return ((n + ROUND_TO // 2) // ROUND_TO) * ROUND_TO

    def count(self, n: int) -> str:
        value = self.count_value(n)
        return SUPPRESSED if value is None else str(value)

    def number(self, value: float | None, n: int, places: int = 1) -> str:
        """A mean, median or difference of ``n`` people; hidden when n is too small."""
        if value is None:
            return NOT_AVAILABLE
        if not self.enough(n):
            return SUPPRESSED
        return f"{value:.{max(1, places)}f}"

    def number_value(self, value: float | None, n: int) -> float | None:
        return None if value is None or not self.enough(n) else value

    def share_allowed(self, x: int, n: int) -> bool:
        return n > 0 and self.enough(n) and not self.hidden(x) and not self.hidden(n - x)

    def percent(self, x: int, n: int) -> str:
        if n == 0:
            return NOT_AVAILABLE
        if not self.share_allowed(x, n):
            return SUPPRESSED
        return f"{100 * x / n:.1f}"
