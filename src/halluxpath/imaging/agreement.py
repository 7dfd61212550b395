"""Inter-observer agreement over films that two or more staff have measured.

Per measure: ICC(A,1), two-way random effects, absolute agreement, single
rater, with its 95 % confidence interval and the Koo & Li band of that
interval; for two observers also the Bland–Altman bias and 95 % limits of
agreement, with the plot (DOMAIN §17 [75]-[79]). Each film counts once per
observer (their current landmark set), so pairs are independent as the plain
Bland–Altman method assumes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import combinations

from halluxpath.accounts.models import User
from halluxpath.audit.context import Actor
from halluxpath.core.stats import BlandAltmanResult, IccResult, bland_altman, icc_agreement_single
from halluxpath.imaging.access import MEASUREMENTS
from halluxpath.imaging.models import Measurement

MEASURES = (("hva_deg", "HVA"), ("ima_deg", "IMA"), ("hvia_deg", "HVIA"), ("dmaa_deg", "DMAA"))
PLOT_WIDTH, PLOT_HEIGHT, PLOT_MARGIN = 360, 220, 36


@dataclass(frozen=True)
class Plot:
    """Bland–Altman plot geometry in SVG user units, ready for the template."""

    points: list[tuple[float, float]]
    bias_y: float
    lower_y: float
    upper_y: float
    zero_y: float
    x_ticks: list[tuple[float, str]]
    y_ticks: list[tuple[float, str]]


@dataclass(frozen=True)
class AgreementRow:
    key: str
    label: str
    films: int
    icc: IccResult | None
    bland_altman: BlandAltmanResult | None
    plot: Plot | None
    problem: str = ""


def current_measurements(actor: Actor) -> dict[int, dict[int, Measurement]]:
    """film id -> observer id -> that observer's current landmark set, on films the actor sees."""
    table: dict[int, dict[int, Measurement]] = {}
    for m in MEASUREMENTS.queryset(actor).filter(superseded_at__isnull=True):
        table.setdefault(m.radiograph_id, {})[m.observer_id] = m
    return table


def default_observers(table: dict[int, dict[int, Measurement]]) -> list[int]:
    """The pair of observers who have measured the most films in common."""
    pairs: Counter[tuple[int, int]] = Counter()
    for by_observer in table.values():
        pairs.update(combinations(sorted(by_observer), 2))
    return list(pairs.most_common(1)[0][0]) if pairs else []


def _ticks(low: float, high: float, to_screen: object, count: int = 4) -> list[tuple[float, str]]:
    step = (high - low) / count
    return [
        (to_screen(low + i * step), f"{low + i * step:.1f}")  # type: ignore[operator]
        for i in range(count + 1)
    ]


def _plot(result: BlandAltmanResult) -> Plot:
    xs = [mean for mean, _ in result.points]
    ys = [difference for _, difference in result.points] + [result.lower, result.upper, 0.0]
    x_low, x_high = min(xs) - 1, max(xs) + 1
    y_low, y_high = min(ys) - 1, max(ys) + 1
    inner_w = PLOT_WIDTH - 2 * PLOT_MARGIN
    inner_h = PLOT_HEIGHT - 2 * PLOT_MARGIN

    def sx(x: float) -> float:
        return round(PLOT_MARGIN + (x - x_low) / (x_high - x_low) * inner_w, 1)

    def sy(y: float) -> float:
        return round(PLOT_HEIGHT - PLOT_MARGIN - (y - y_low) / (y_high - y_low) * inner_h, 1)

    return Plot(
        points=[(sx(m), sy(d)) for m, d in result.points],
        bias_y=sy(result.bias),
        lower_y=sy(result.lower),
        upper_y=sy(result.upper),
        zero_y=sy(0.0),
        x_ticks=_ticks(x_low, x_high, sx),
        y_ticks=_ticks(y_low, y_high, sy),
    )


def agreement(table: dict[int, dict[int, Measurement]], observers: list[int]) -> list[AgreementRow]:
    rows = []
    for key, label in MEASURES:
        ratings = []
        for by_observer in table.values():
            if all(o in by_observer for o in observers):
                values = [by_observer[o].results.get(key) for o in observers]
                if all(isinstance(v, int | float) for v in values):
                    ratings.append([float(v) for v in values])
        if len(ratings) < 2 or len(observers) < 2:
            rows.append(
                AgreementRow(
                    key,
                    label,
                    len(ratings),
                    None,
                    None,
                    None,
                    "Needs at least two films measured by every chosen observer.",
                )
            )
            continue
        try:
            icc = icc_agreement_single(ratings)
            pair = (
                bland_altman([r[0] for r in ratings], [r[1] for r in ratings])
                if len(observers) == 2
                else None
            )
        except ValueError as error:
            rows.append(AgreementRow(key, label, len(ratings), None, None, None, str(error)))
            continue
        rows.append(
            AgreementRow(key, label, len(ratings), icc, pair, _plot(pair) if pair else None)
        )
    return rows


def observer_names(ids: list[int]) -> list[User]:
    users = {u.pk: u for u in User.objects.filter(pk__in=ids)}
    return [users[i] for i in ids if i in users]
