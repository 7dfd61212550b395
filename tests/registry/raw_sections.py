"""The case sections as they were computed from every case row, before the tallies.

The reference the tallied sections must equal (tests/registry/test_tallies.py):
the same figures counted straight from ``CaseSummary`` and the complications.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Aggregate, Count, Exists, F, OuterRef, Q, QuerySet, Sum

from halluxpath.complications.models import Complication
from halluxpath.core.complications import PUBLISHED_RATES, Kind
from halluxpath.core.schedule import DEFAULT, OFFSET_DAYS, TIME_POINTS, TimePointKey
from halluxpath.core.stats import wilson
from halluxpath.registry.access import Scope
from halluxpath.registry.figures import paired_from_sums
from halluxpath.registry.models import CaseSummary
from halluxpath.registry.outcome_sections import (
    BOFAS_FUSION_COMPLETION_PCT,
    SHORT_TIME_POINTS,
    _published,
    _rate_cells,
)
from halluxpath.registry.sections import ANGLES, MONTHS_SHOWN, Filters, _every_month, shown_for
from halluxpath.registry.tables import NOT_AVAILABLE, Column, Section, Table


def _episodes(cases: QuerySet[CaseSummary]) -> Any:
    return cases.order_by().values("episode_id")


def case_volume(scope: Scope, filters: Filters) -> Section:
    """Operated episodes per month (per year beyond three years of months)."""
    show = shown_for(scope)
    by_month = dict(
        filters.apply(scope.cases)
        .order_by()
        .values_list("operated_month")
        .annotate(n=Count("*"))
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


def correction(scope: Scope, filters: Filters) -> Section:
    """Pre vs latest post-operative HVA and IMA: paired mean difference with 95 % CI."""
    show = shown_for(scope)
    sums: dict[str, Aggregate] = {"cases": Count("*")}
    for key, _label in ANGLES:
        change = f"{key}_change_deg"
        both = Q(**{f"{change}__isnull": False})
        sums[f"{key}_n"] = Count(change)
        sums[f"{key}_sum"] = Sum(change)
        sums[f"{key}_sq"] = Sum(F(change) * F(change))
        sums[f"{key}_pre"] = Sum(f"pre_{key}_deg", filter=both)
        sums[f"{key}_post"] = Sum(f"post_{key}_deg", filter=both)
    got = filters.apply(scope.cases).aggregate(**sums)
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


def complication_rates(scope: Scope, filters: Filters) -> Section:
    show = shown_for(scope)
    cases = filters.apply(scope.cases)
    n = cases.count()
    found = Complication.objects.filter(entered_in_error=False)
    if scope.across_sites:
        # Most cases count: walk the complications, each checked against its case row (a
        # primary-key probe), rather than every case probing the complications (1M probes).
        found = found.filter(Exists(cases.order_by().filter(episode_id=OuterRef("episode_id"))))
    else:
        found = found.filter(episode_id__in=_episodes(cases))
    by_kind = dict(
        found.order_by().values_list("kind").annotate(feet=Count("episode_id", distinct=True))
    )
    any_feet = found.aggregate(feet=Count("episode_id", distinct=True))["feet"] or 0
    rows, plot = [], []
    for kind, label in [("any", "Any complication"), *Kind.choices()]:
        x = any_feet if kind == "any" else by_kind.get(kind, 0)
        cells = _rate_cells(show, x, n)
        rows.append([label, show.count(n), *cells, _published(kind)])
        if x and show.share_allowed(x, n):
            interval = wilson(x, n)
            published = [
                r.rate_pct
                for r in PUBLISHED_RATES.get(Kind(kind) if kind != "any" else "any", ())
                if r.rate_pct is not None and r.mis
            ]
            plot.append(
                {
                    "label": label,
                    "p": 100 * (interval.p or 0),
                    "low": 100 * (interval.low or 0),
                    "high": 100 * (interval.high or 0),
                    "published": published[0] if published else None,
                }
            )
    return Section(
        slug="complications",
        title="Complication rates",
        about="Share of operated feet with at least one complication of each kind, with its "
        "Wilson 95 % interval, beside the rates DOMAIN §7 cites (MIS burr-based series, and "
        "open or all hallux valgus surgery).",
        source="Complications register; Wilson interval, DOMAIN §17; published rates, DOMAIN §7",
        limits="Crude shares, not adjusted for follow-up: recent operations have had less "
        "time to show a complication. Published MIS series come mostly from high-volume MIS "
        "centres and may under-report (DOMAIN §7). Entered-in-error records are left out.",
        table=Table(
            "Complications per operated foot",
            (
                Column("Complication", numeric=False),
                Column("Feet"),
                Column("With it"),
                Column("%"),
                Column("95 % CI (%)", numeric=False),
                Column("Published (DOMAIN §7)", numeric=False),
            ),
            rows if n else [],
        ),
        chart="rates",
        plot={
            "rows": plot,
            "x_label": "Feet with it (%), 95 % CI; ◆ published MIS rate",
        },
    )


def completion(scope: Scope, filters: Filters, today: dt.date) -> Section:
    """Questionnaire completion per time point among feet due, beside BOFAS's figures."""
    show = shown_for(scope)
    windows = {tp.key: tp.closes_days for tp in DEFAULT.time_points}
    sums: dict[str, Count] = {}
    for key in TIME_POINTS:
        answered = Q(**{f"proms_{key}": True})
        closed = today - dt.timedelta(days=windows.get(key, OFFSET_DAYS[key] + 30))
        sums[f"{key}_due"] = Count("pk", filter=Q(operated_on__lte=closed) | answered)
        sums[f"{key}_done"] = Count("pk", filter=answered)
    got = filters.apply(scope.cases).aggregate(**sums)
    rows, plot = [], []
    for key in TIME_POINTS:
        due, done = int(got[f"{key}_due"] or 0), int(got[f"{key}_done"] or 0)
        bofas = BOFAS_FUSION_COMPLETION_PCT.get(key)
        rows.append(
            [
                TimePointKey(key).label,
                show.count(due),
                *_rate_cells(show, done, due),
                NOT_AVAILABLE if bofas is None else f"{bofas:.1f}",
            ]
        )
        allowed = due and show.share_allowed(done, due)
        plot.append(
            {
                "label": SHORT_TIME_POINTS[key],
                "p": 100 * done / due if allowed else None,
                "bofas": bofas,
                "due": due,
            }
        )
    return Section(
        slug="completion",
        title="Questionnaire completion",
        about="Share of operated feet with a completed questionnaire at each time point, "
        "among those due (the time point's window has closed, or it was answered early), "
        "beside the BOFAS registry's figures.",
        source="Questionnaire responses; schedule, DOMAIN §14 (core.schedule default)",
        limits="The BOFAS figures (MOXFQ completion 52.5 % at baseline, 27.2 % at 6 months, "
        "15.7 % at 12 months, n = 459, 2014–2019) are from the first-MTP fusion pathway, not "
        "bunion surgery: no hallux valgus figure was found (DOMAIN §14). Here any completed "
        "questionnaire of the time point counts; windows are the default schedule's.",
        table=Table(
            "Completion per time point",
            (
                Column("Time point", numeric=False),
                Column("Feet due"),
                Column("Completed"),
                Column("%"),
                Column("95 % CI (%)", numeric=False),
                Column("BOFAS first-MTP fusion pathway (%)", numeric=False),
            ),
            rows if any(int(got[f"{k}_due"] or 0) for k in TIME_POINTS) else [],
        ),
        chart="completion",
        plot={"rows": plot},
    )
