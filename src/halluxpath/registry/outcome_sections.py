"""The "at what cost" and "did it help" figures: complications, survival, questionnaires.

Same contract as ``registry.sections``: one aggregate query (or two) per
section over the viewer's cases, shown under the viewer's disclosure rule.

- Complication rates: episodes with at least one complication of a kind
  (entered-in-error rows left out) over the operated episodes, Wilson 95 %
  interval, beside DOMAIN §7's published rates.
- Survival free of recurrence and of reoperation: Kaplan–Meier from the
  events per day (``CaseSummary.recurrence_days`` / ``reoperation_days``,
  censored at ``follow_up_days``), numbers at risk at 0, 3, 6, 12, 24 months.
- Questionnaire scores: median and interquartile range per time point, from
  the frequency table of the scores (one GROUP BY: questionnaire scores take
  few distinct values, so the exact quantiles come from at most a few
  thousand rows, never from every patient's row).
- Share reaching the MCID: patients with a baseline and a follow-up score of
  the same domain, change in the instrument's direction (DOMAIN §13).
- Completion per time point beside the BOFAS first-MTP fusion figures.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Case, Count, F, Max, Q, QuerySet, Sum, When

from halluxpath.core.complications import PUBLISHED_RATES, Kind
from halluxpath.core.instruments import Domain, Instrument
from halluxpath.core.schedule import DEFAULT, OFFSET_DAYS, TIME_POINTS, TimePointKey
from halluxpath.core.stats import wilson
from halluxpath.core.survival import AT_RISK_DAYS, AT_RISK_MONTHS
from halluxpath.outcomes.models import Score
from halluxpath.registry import tallies
from halluxpath.registry.access import Scope
from halluxpath.registry.figures import at_risk_at, kaplan_meier_grouped, survival_at
from halluxpath.registry.models import CaseSummary
from halluxpath.registry.sections import Filters, shown_for
from halluxpath.registry.tables import NOT_AVAILABLE, Column, Section, Shown, Table

BASELINE = TimePointKey.BASELINE.value
SHORT_TIME_POINTS = {t: "Baseline" if t == BASELINE else TimePointKey(t).label for t in TIME_POINTS}
FOLLOW_UPS = tuple(t for t in TIME_POINTS if t != BASELINE)
# DOMAIN §14: BOFAS registry, first-MTP *fusion* pathway (n = 459, 2014–2019), MOXFQ completion.
BOFAS_FUSION_COMPLETION_PCT = {"baseline": 52.5, "6m": 27.2, "12m": 15.7}


def _pct(x: float | None) -> str:
    return NOT_AVAILABLE if x is None else f"{100 * x:.1f}"


def _rate_cells(show: Shown, x: int, n: int) -> list[str]:
    """x, %, its Wilson 95 % interval; % and interval hidden where x could be worked back."""
    if n == 0:
        return [show.count(x), NOT_AVAILABLE, NOT_AVAILABLE]
    if not show.share_allowed(x, n):
        return [show.count(x), "*", "*"]
    found = wilson(x, n)
    return [show.count(x), _pct(found.p), f"{_pct(found.low)} to {_pct(found.high)}"]


def _episodes(cases: QuerySet[CaseSummary]) -> Any:
    """The cases' episode ids, as a subquery."""
    return cases.order_by().values("episode_id")


# --- complications -------------------------------------------------------------------------


def _published(kind: str) -> str:
    rates = PUBLISHED_RATES.get(Kind(kind) if kind != "any" else "any", ())
    shown = []
    for rate in rates:
        if rate.rate_pct is None:
            shown.append(f"not pooled {rate.source}")
            continue
        value = f"{rate.rate_pct:g}" + (f"–{rate.upper_pct:g}" if rate.upper_pct else "")
        shown.append(f"{value} % {'MIS' if rate.mis else 'open/all'} {rate.source}")
    return "; ".join(shown) or NOT_AVAILABLE


def complication_rates(scope: Scope, filters: Filters) -> Section:
    show = shown_for(scope)
    view = tallies.view_of(scope, filters)
    n = int(tallies.case_tallies(view).aggregate(n=Sum("cases"))["n"] or 0)
    by_kind = {
        kind: int(feet or 0)
        for kind, feet in tallies.complication_tallies(view)
        .values_list("kind")
        .annotate(feet=Sum("feet"))
        .values_list("kind", "feet")
    }
    any_feet = by_kind.get(tallies.ANY, 0)
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


# --- survival ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    slug: str
    column: str
    title: str
    event: str


EVENTS = (
    Event("recurrence-free", "recurrence_days", "Recurrence-free survival", "recurrence"),
    Event("reoperation-free", "reoperation_days", "Reoperation-free survival", "reoperation"),
)


def survival(scope: Scope, filters: Filters, event: Event) -> Section:
    show = shown_for(scope)
    one_surgeon = scope.surgeon_id is not None or filters.surgeon_id is not None
    cases = filters.apply(scope.cases, mix_by_index=not one_surgeon).order_by()
    # Two GROUP BYs, each along an index (registry.models): the events per day, and the
    # censorings per day among the feet without the event.
    events = dict(
        cases.filter(**{f"{event.column}__isnull": False})
        .values_list(event.column)
        .annotate(n=Count("*"))
        .values_list(event.column, "n")
    )
    censored = dict(
        cases.filter(**{f"{event.column}__isnull": True})
        .values_list("follow_up_days")
        .annotate(n=Count("*"))
        .values_list("follow_up_days", "n")
    )
    rows3 = [
        (int(t), int(events.get(t, 0)), int(censored.get(t, 0)))
        for t in sorted(set(events) | set(censored))
    ]
    steps = kaplan_meier_grouped(rows3)
    at_risk = at_risk_at(rows3, AT_RISK_DAYS)
    rows, points = [], []
    for months, days, risk in zip(AT_RISK_MONTHS, AT_RISK_DAYS, at_risk, strict=True):
        events_so_far = sum(e for t, e, _c in rows3 if t <= days)
        s = survival_at(steps, days)
        step = next((st for st in reversed(steps) if st.t <= days), None)
        visible = show.enough(risk) and not show.hidden(events_so_far)
        low, high = (step.low, step.high) if step else (1.0, 1.0)
        rows.append(
            [
                f"{months} months",
                show.count(risk),
                show.count(events_so_far),
                f"{s:.3f}" if visible else "*",
                f"{low:.3f} to {high:.3f}" if visible else "*",
            ]
        )
        points.append(
            {
                "months": months,
                "s": s if visible else None,
                "low": low if visible else None,
                "high": high if visible else None,
                "at_risk": show.count(risk),
            }
        )
    curve = (
        [] if scope.suppressed else [(st.t / 30.4375, st.survival, st.low, st.high) for st in steps]
    )
    return Section(
        slug=event.slug,
        title=event.title,
        about=f"Kaplan–Meier estimate of the share of feet free of {event.event} over time "
        "since the operation, with its 95 % log–log interval and the feet still followed "
        "(at risk) at 0, 3, 6, 12 and 24 months.",
        source="Complications register and follow-up dates; Kaplan–Meier with Greenwood "
        "variance, DOMAIN §17",
        limits=f"A foot is followed until its last news (film, questionnaire or complication); "
        f"{event.event} counts from its first record. Feet lost to follow-up are assumed to "
        "have the same risk as those still followed. Few feet at risk at the right-hand end "
        "make the estimate uncertain.",
        table=Table(
            event.title,
            (
                Column("Time", numeric=False),
                Column("At risk"),
                Column("Events so far"),
                Column("Survival"),
                Column("95 % CI", numeric=False),
            ),
            rows if rows3 else [],
        ),
        chart="survival",
        plot={"points": points, "curve": curve},
    )


# --- questionnaires ------------------------------------------------------------------------


_charted_pairs = tallies.charted_pairs


SHORT_NAMES = {
    "nrs_pain": "NRS pain",
    "vas_pain": "VAS pain",
    "moxfq": "MOXFQ",
    "faam": "FAAM",
    "sefas": "SEFAS",
    "lefs": "LEFS",
    "eq5d5l": "EQ-5D-5L",
}


def _label(instrument: Instrument, domain: Domain) -> str:
    name = SHORT_NAMES.get(instrument.key, instrument.title)
    if len(instrument.domains) == 1:
        return name
    return f"{name}: {domain.label}"


def _scores(scope: Scope, filters: Filters) -> QuerySet[Score]:
    pairs = Q()
    for instrument, domain in _charted_pairs():
        pairs |= Q(instrument=instrument.key, domain=domain.key)
    return Score.objects.filter(
        pairs, value__isnull=False, episode_id__in=_episodes(filters.apply(scope.cases))
    ).order_by()


def quantile(frequencies: Sequence[tuple[float, int]], q: float) -> float:
    """The q-quantile (linear interpolation between order statistics, R type 7) of a
    frequency table of (value, count), sorted by value."""
    n = sum(c for _v, c in frequencies)
    position = (n - 1) * q
    below, above = math.floor(position), math.ceil(position)

    def order_statistic(k: int) -> float:
        seen = 0
        for value, c in frequencies:
            seen += c
            if k < seen:
                return value
        return frequencies[-1][0]

    low = order_statistic(below)
    return low + (order_statistic(above) - low) * (position - below)


def trajectories(scope: Scope, filters: Filters) -> Section:
    show = shown_for(scope)
    table: dict[tuple[str, str, str], list[tuple[float, int]]] = defaultdict(list)
    view = tallies.view_of(scope, filters)
    level = tallies.score_level(view)
    counted: Any = (
        _scores(scope, filters)
        .values("instrument", "domain", "time_point", "value")
        .annotate(n=Count("pk"))
        if level is None
        else tallies.score_tallies(view, level)
        .values("instrument", "domain", "time_point", "value")
        .annotate(n=Sum("patients"))
    )
    for key, domain_key, time_point, value, n in counted.order_by(
        "instrument", "domain", "time_point", "value"
    ).values_list("instrument", "domain", "time_point", "value", "n"):
        if value is not None:
            table[(key, domain_key, time_point)].append((float(value), int(n)))
    rows, series = [], []
    for instrument, domain in _charted_pairs():
        points = []
        for time_point in TIME_POINTS:
            freq = table.get((instrument.key, domain.key, time_point))
            if not freq:
                continue
            n = sum(c for _v, c in freq)
            median, q1, q3 = (quantile(freq, q) for q in (0.5, 0.25, 0.75))
            label = _label(instrument, domain)
            rows.append(
                [
                    label,
                    TimePointKey(time_point).label,
                    show.count(n),
                    show.number(median, n),
                    show.number(q1, n),
                    show.number(q3, n),
                ]
            )
            if show.enough(n):
                points.append({"t": time_point, "median": median, "q1": q1, "q3": q3})
        if points:
            series.append(
                {
                    "label": _label(instrument, domain),
                    "direction": instrument.direction.value,
                    "points": points,
                }
            )
    return Section(
        slug="questionnaires",
        title="Questionnaire scores over time",
        about="Median and interquartile range of each questionnaire score at each time point.",
        source="Questionnaire scores (outcomes); DOMAIN §13 (scoring, direction), "
        "§14 (time points)",
        limits="Each time point counts the patients who answered it, not the same patients "
        "throughout: as fewer answer later, the later medians may describe a different group. "
        "Scores that could not be computed (too many missing items) are left out.",
        table=Table(
            "Scores per time point",
            (
                Column("Score", numeric=False),
                Column("Time point", numeric=False),
                Column("Patients"),
                Column("Median"),
                Column("Lower quartile"),
                Column("Upper quartile"),
            ),
            rows,
        ),
        chart="trajectories",
        plot={"series": series, "time_points": [SHORT_TIME_POINTS[t] for t in TIME_POINTS]},
    )


def _paired_counts(
    scores: QuerySet[Score], with_mcid: list[tuple[Instrument, Domain]]
) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str, str], tuple[int, int]]]:
    """Baselines per score, and pairs and pairs reaching the MCID per score and follow-up.

    One pass: the scores are grouped per episode and domain into one row holding
    the baseline and each follow-up (conditional aggregation: at most one score
    per episode, domain and time point), and an outer aggregate counts these
    rows per domain. No lookup per score, no self-join. Parameters bound.
    """
    per_time_point = {
        f"v_{i}": Max(Case(When(time_point=time_point, then=F("value"))))
        for i, time_point in enumerate(TIME_POINTS)
    }
    grouped = scores.values("episode_id", "instrument", "domain").annotate(**per_time_point)
    inner, params = grouped.query.sql_with_params()
    sql, count_params = tallies.paired_sql(inner, (), with_mcid)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*count_params, *params])
        rows = cursor.fetchall()
    baselines: dict[tuple[str, str], int] = {}
    got: dict[tuple[str, str, str], tuple[int, int]] = {}
    for instrument_key, domain_key, n_base, *pairs_and_hits in rows:
        baselines[(instrument_key, domain_key)] = int(n_base or 0)
        follow_ups = iter(pairs_and_hits)
        for time_point in FOLLOW_UPS:
            pairs, hits = next(follow_ups), next(follow_ups)
            got[(instrument_key, domain_key, time_point)] = (int(pairs or 0), int(hits or 0))
    return baselines, got


def mcid_share(scope: Scope, filters: Filters) -> Section:
    show = shown_for(scope)
    with_mcid = [(i, d) for i, d in _charted_pairs() if d.mcid is not None]
    view = tallies.view_of(scope, filters)
    level = tallies.score_level(view)
    if level is None:
        baselines, got = _paired_counts(_scores(scope, filters), with_mcid)
    else:
        baselines, got = {}, {}
        for i, d, t, pairs, hits in (
            tallies.pair_tallies(view, level)
            .values("instrument", "domain", "time_point")
            .annotate(p=Sum("pairs"), r=Sum("reached"))
            .values_list("instrument", "domain", "time_point", "p", "r")
        ):
            if t == BASELINE:
                baselines[(i, d)] = int(pairs or 0)
            else:
                got[(i, d, t)] = (int(pairs or 0), int(hits or 0))
    rows, plot = [], []
    for instrument, domain in with_mcid:
        for time_point in FOLLOW_UPS:
            pairs, hit = got.get((instrument.key, domain.key, time_point), (0, 0))
            if not pairs:
                continue
            missing = max(0, baselines.get((instrument.key, domain.key), 0) - pairs)
            label = _label(instrument, domain)
            rows.append(
                [
                    f"{label}, {TimePointKey(time_point).label}",
                    f"{domain.mcid:.1f}",
                    show.count(pairs),
                    *_rate_cells(show, hit, pairs),
                    show.count(missing),
                ]
            )
            if show.share_allowed(hit, pairs):
                interval = wilson(hit, pairs)
                plot.append(
                    {
                        "label": f"{label}, {TimePointKey(time_point).label}",
                        "p": 100 * (interval.p or 0),
                        "low": 100 * (interval.low or 0),
                        "high": 100 * (interval.high or 0),
                        "published": None,
                    }
                )
    return Section(
        slug="mcid",
        title="Patients reaching the minimal important change",
        about="Among patients with a baseline and a follow-up score, the share whose score "
        "improved by at least the instrument's MCID (direction per instrument), with its Wilson "
        "95 % interval, and how many with a baseline have no score at that follow-up.",
        source="Questionnaire scores; MCID and direction, DOMAIN §13; share, DOMAIN §17",
        limits="Only scores with a published MCID are shown (DOMAIN §13: none established for "
        "EQ-5D-5L in hallux valgus). Missing follow-up includes patients not yet due.",
        table=Table(
            "Share reaching the MCID",
            (
                Column("Score and time point", numeric=False),
                Column("MCID"),
                Column("With both"),
                Column("Reached"),
                Column("%"),
                Column("95 % CI (%)", numeric=False),
                Column("Baseline, no follow-up"),
            ),
            rows,
        ),
        chart="rates",
        plot={"rows": plot, "x_label": "Reached the MCID (%), 95 % CI"},
    )


def _completion_counts(scope: Scope, filters: Filters, today: dt.date) -> dict[str, int]:
    """Per time point, the feet due (operated on or before the day its window closed, or
    answered early) and those done. The months before the closing day's month are wholly
    due and those after it due only where answered, so the tallies give them; the
    closing month itself is counted from its cases."""
    windows = {tp.key: tp.closes_days for tp in DEFAULT.time_points}
    closed = {
        key: today - dt.timedelta(days=windows.get(key, OFFSET_DAYS[key] + 30))
        for key in TIME_POINTS
    }
    boundary = {key: day.replace(day=1) for key, day in closed.items()}
    sums: dict[str, Sum] = {}
    for key in TIME_POINTS:
        sums[f"{key}_before"] = Sum("cases", filter=Q(operated_month__lt=boundary[key]))
        sums[f"{key}_after"] = Sum(f"proms_{key}", filter=Q(operated_month__gt=boundary[key]))
        sums[f"{key}_done"] = Sum(f"proms_{key}")
    tallied = tallies.case_tallies(tallies.view_of(scope, filters)).aggregate(**sums)
    edge: dict[str, Count] = {}
    for key in TIME_POINTS:
        answered = Q(**{f"proms_{key}": True})
        edge[f"{key}_due"] = Count(
            "pk",
            filter=Q(operated_month=boundary[key]) & (Q(operated_on__lte=closed[key]) | answered),
        )
    counted = (
        filters.apply(scope.cases)
        .filter(operated_month__in=sorted(set(boundary.values())))
        .aggregate(**edge)
    )
    got: dict[str, int] = {}
    for key in TIME_POINTS:
        got[f"{key}_done"] = int(tallied[f"{key}_done"] or 0)
        got[f"{key}_due"] = (
            int(tallied[f"{key}_before"] or 0)
            + int(tallied[f"{key}_after"] or 0)
            + int(counted[f"{key}_due"] or 0)
        )
    return got


def completion(scope: Scope, filters: Filters, today: dt.date) -> Section:
    """Questionnaire completion per time point among feet due, beside BOFAS's figures."""
    show = shown_for(scope)
    got = _completion_counts(scope, filters, today)
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
