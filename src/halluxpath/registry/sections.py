"""The dashboards' case figures, each one query of sums over the tallies (docs/dashboards.md).

Every function takes the viewer's ``Scope`` (registry.access) and the
chosen ``Filters`` and returns a ``Section``: its table, already shown under
the viewer's disclosure rule, and the shown values its chart is drawn from.
The database sums the tally rows of the view (``registry.tallies``: per cell
of the filters, so the sums are exactly the cases' own); Python only
finishes the arithmetic (registry.figures) on a handful of aggregate rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet, Sum, Value
from django.db.models.functions import Concat

from halluxpath.core.planning import Technique
from halluxpath.registry import tallies
from halluxpath.registry.access import Scope, pseudonym
from halluxpath.registry.figures import paired_from_sums
from halluxpath.registry.learning import CURVES, Curve
from halluxpath.registry.models import CaseSummary, LearningSummary
from halluxpath.registry.tables import NOT_AVAILABLE, Column, Section, Shown, Table

# More months than this are counted per year (the chart stays readable on a phone).
MONTHS_SHOWN = 36


@dataclass(frozen=True)
class Filters:
    """What the viewer narrowed the cases to; None is "all"."""

    surgeon_id: int | None = None
    site_id: int | None = None
    technique: str | None = None
    fixation: str | None = None
    severity: str | None = None
    month_from: dt.date | None = None
    month_to: dt.date | None = None

    def apply(
        self, cases: QuerySet[CaseSummary], *, mix_by_index: bool = True
    ) -> QuerySet[CaseSummary]:
        """The cases of these filters. ``mix_by_index=False``: technique, fixation and
        severity are compared in a form no index serves, so the planner takes the
        surgeon's index (registry.outcome_sections.survival: on SQLite it otherwise
        reads every site's cases of that fixation to find one surgeon's)."""
        if self.surgeon_id is not None:
            cases = cases.filter(surgeon_id=self.surgeon_id)
        if self.site_id is not None:
            cases = cases.filter(site_id=self.site_id)
        for column in ("technique", "fixation", "severity"):
            value = getattr(self, column)
            if value is None:
                continue
            if mix_by_index:
                cases = cases.filter(**{column: value})
            else:
                cases = cases.alias(**{f"{column}_as_text": Concat(column, Value(""))}).filter(
                    **{f"{column}_as_text": value}
                )
        if self.month_from is not None:
            cases = cases.filter(operated_month__gte=self.month_from)
        if self.month_to is not None:
            cases = cases.filter(operated_month__lte=self.month_to)
        return cases


def shown_for(scope: Scope) -> Shown:
    return Shown(scope.smallest_shown)


def surgeon_label(scope: Scope, surgeon_id: int, names: dict[int, str]) -> str:
    return names.get(surgeon_id, "") if scope.identified else pseudonym("surgeon", surgeon_id)


# --- case volume ---------------------------------------------------------------------------


def _every_month(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every first-of-month from ``first`` to ``last``: a month without cases shows as 0."""
    months, month = [], first
    while month <= last:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def case_volume(scope: Scope, filters: Filters) -> Section:
    """Operated episodes per month (per year beyond three years of months)."""
    show = shown_for(scope)
    by_month = dict(
        tallies.case_tallies(tallies.view_of(scope, filters))
        .values_list("operated_month")
        .annotate(n=Sum("cases"))
        .values_list("operated_month", "n")
    )
    months = _every_month(min(by_month), max(by_month)) if by_month else []
    per_year = len(months) > MONTHS_SHOWN
    counts: dict[str, int] = {}
    for month in months:
        n = by_month.get(month, 0)
        label = f"{month:%Y}" if per_year else f"{month:%Y-%m}"
        counts[label] = counts.get(label, 0) + n
    period = "Year" if per_year else "Month"
    rows = [[label, show.count(n)] for label, n in counts.items()]
    total = sum(counts.values())
    if rows:
        rows.append(["All", show.count(total)])
    return Section(
        slug="volume",
        title="Case volume",
        about=f"Operated episodes (one foot each, signed operative record) per {period.lower()}.",
        source="Operative record (surgery); DOMAIN §14 minimum dataset",
        limits="An episode counts once its operative record is signed; bilateral operations "
        "are two episodes.",
        table=Table("Operated episodes", (Column(period, numeric=False), Column("Cases")), rows),
        chart="bars",
        plot={
            "labels": list(counts),
            "values": [show.count_value(n) for n in counts.values()],
            "y_label": "Cases",
        },
    )


# --- correction achieved -------------------------------------------------------------------

ANGLES = (
    ("hva", "Hallux valgus angle (HVA)"),
    ("ima", "Intermetatarsal angle (IMA)"),
)


def correction(scope: Scope, filters: Filters) -> Section:
    """Pre vs latest post-operative HVA and IMA: paired mean difference with 95 % CI."""
    show = shown_for(scope)
    sums = {"cases": Sum("cases")}
    for key, _label in ANGLES:
        for part in ("n", "sum", "sq", "pre", "post"):
            sums[f"{key}_{part}"] = Sum(f"{key}_{part}")
    got = tallies.case_tallies(tallies.view_of(scope, filters)).aggregate(**sums)
    cases = int(got["cases"] or 0)
    rows, plot_rows = [], []
    for key, label in ANGLES:
        n = int(got[f"{key}_n"] or 0)
        paired = paired_from_sums(n, float(got[f"{key}_sum"] or 0), float(got[f"{key}_sq"] or 0))
        pre = float(got[f"{key}_pre"]) / n if n else None
        post = float(got[f"{key}_post"]) / n if n else None
        interval = NOT_AVAILABLE
        if paired is not None and paired.low is not None and paired.high is not None:
            interval = (
                f"{paired.low:.1f} to {paired.high:.1f}" if show.enough(n) else show.number(0, n)
            )
        rows.append(
            [
                label,
                show.count(cases),
                show.count(n),
                show.count(cases - n),
                show.number(pre, n),
                show.number(post, n),
                show.number(paired.mean if paired else None, n),
                interval,
            ]
        )
        plot_rows.append(
            {
                "label": key.upper(),
                "pre": show.number_value(pre, n),
                "post": show.number_value(post, n),
                "mean": show.number_value(paired.mean if paired else None, n),
                "low": show.number_value(paired.low if paired else None, n),
                "high": show.number_value(paired.high if paired else None, n),
            }
        )
    return Section(
        slug="correction",
        title="Correction achieved",
        about="Mean angle before the operation and on the latest standing film after it, and "
        "the paired mean correction (before minus after) with its 95 % confidence interval.",
        source="Film readings (imaging); paired mean difference, DOMAIN §17",
        limits="Only patients with both a pre-operative and a post-operative standing film "
        "reading count; the excluded column says how many did not. The latest film may be "
        "early (2–6 weeks) for recent operations. One manual IMA reading varies by ±3.6° "
        "(DOMAIN §2).",
        table=Table(
            "Correction, degrees",
            (
                Column("Measure", numeric=False),
                Column("Cases"),
                Column("With both films"),
                Column("Excluded"),
                Column("Mean before (°)"),
                Column("Mean after (°)"),
                Column("Mean correction (°)"),
                Column("95 % CI (°)", numeric=False),
            ),
            rows if cases else [],
        ),
        chart="correction",
        plot={"rows": plot_rows},
    )


# --- learning curves -----------------------------------------------------------------------


def _mis(cases: QuerySet[CaseSummary]) -> QuerySet[CaseSummary]:
    return cases.filter(technique=Technique.MIS_DISTAL.value, mis_case_number__isnull=False)


def learning_summary(scope: Scope, filters: Filters, names: dict[int, str]) -> Section:
    """Per surgeon: MIS cases on each curve and the case at which it first crossed a limit."""
    show = shown_for(scope)
    briefs = LearningSummary.objects.filter(mis_cases__gt=0)
    if scope.site_id is not None:
        briefs = briefs.filter(site_id=scope.site_id)
    if scope.surgeon_id is not None:
        briefs = briefs.filter(surgeon_id=scope.surgeon_id)
    if filters.surgeon_id is not None:
        briefs = briefs.filter(surgeon_id=filters.surgeon_id)
    if filters.site_id is not None:
        briefs = briefs.filter(site_id=filters.site_id)
    rows = []
    for brief in briefs:
        cells = [surgeon_label(scope, brief.surgeon_id, names), show.count(brief.mis_cases)]
        for curve in CURVES:
            cells.append(show.count(getattr(brief, f"{curve.key}_cases")))
            for limit in ("h0", "h1"):
                crossed = getattr(brief, f"{curve.key}_{limit}_case")
                cells.append("not crossed" if crossed is None else f"case {show.count(crossed)}")
        rows.append(cells)
    rows.sort(key=lambda r: r[0])
    columns = [Column("Surgeon", numeric=False), Column("MIS cases")]
    for curve in CURVES:
        columns += [
            Column(f"{curve.title}: cases"),
            Column(f"{curve.title}: reached acceptable (h₀)", numeric=False),
            Column(f"{curve.title}: reached unacceptable (h₁)", numeric=False),
        ]
    return Section(
        slug="learning",
        title="Learning curves per surgeon",
        about="For each surgeon, how many MIS cases each learning curve covers, and the case "
        "at which it first reached the acceptable limit h₀ (proficiency) or the unacceptable "
        "limit h₁.",
        source="Operative record; CUSUM, DOMAIN §10 and §17",
        limits="A curve follows all the surgeon's MIS distal osteotomies in operating order, "
        "whatever the period, fixation or severity chosen: a learning curve of a subset is "
        "not one. Targets and rates are project defaults: "
        + "; ".join(_curve_terms(c) for c in CURVES)
        + ".",
        table=Table("Learning curves", tuple(columns), rows),
    )


def _curve_terms(curve: Curve) -> str:
    lim = curve.limits
    return (
        f"{curve.title.lower()}: failure = {curve.failure}, p₀ {curve.p0:.2f}, "
        f"p₁ {curve.p1:.2f}, α {curve.alpha:.2f}, β {curve.beta:.2f} "
        f"(h₀ {lim.h0:.2f}, h₁ {lim.h1:+.2f})"
    )


def learning_curve(scope: Scope, surgeon_id: int, curve: Curve, label: str) -> Section:
    """One surgeon's curve, case by case (shown to identified viewers only)."""
    rows_q = (
        _mis(scope.cases.filter(surgeon_id=surgeon_id))
        .filter(**{f"{curve.key}__isnull": False})
        .order_by("mis_case_number")
        .values_list("mis_case_number", curve.measure, curve.key)
    )
    rows, xs, ys = [], [], []
    for number, value, cusum in rows_q:
        rows.append(
            [
                str(number),
                curve.shown(value),
                "yes" if curve.failed(value) else "no",
                f"{cusum:.2f}",
            ]
        )
        xs.append(number)
        ys.append(cusum)
    lim = curve.limits
    return Section(
        slug=curve.key.replace("_", "-"),
        title=f"Learning curve: {curve.title.lower()} ({label})",
        about=f"CUSUM of cases with {curve.failure}: up 1 − s = {1 - lim.s:.3f} for each such "
        f"case, down s = {lim.s:.3f} for each other. Climbing while learning; crossing h₀ "
        f"({lim.h0:.2f}) is performance consistent with p₀ = {curve.p0:.0%}, crossing h₁ "
        f"(+{lim.h1:.2f}) with p₁ = {curve.p1:.0%}.",
        source=curve.source,
        limits="Not risk-adjusted: harder feet take longer and carry more risk. Cases "
        "without the measure recorded are left out; a complication counts once recorded, so "
        "the latest cases may still gain one. α = β = 0.10; see the learning-curve summary "
        "for which rates are project defaults.",
        table=Table(
            f"{curve.title} CUSUM",
            (
                Column("MIS case"),
                Column(f"{curve.title} ({curve.unit})" if curve.unit else curve.title),
                Column(f"Failure ({curve.failure})", numeric=False),
                Column("CUSUM"),
            ),
            rows,
        ),
        chart="cusum",
        plot={"x": xs, "y": ys, "h0": lim.h0, "h1": lim.h1, "y_label": "CUSUM"},
    )


SectionMaker = Callable[[Scope, Filters], Section]
