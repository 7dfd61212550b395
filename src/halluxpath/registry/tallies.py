"""The dashboards' tallies: what the sections read instead of every case and score.

Every figure of the dashboards is additive over disjoint groups of cases
(docs/dashboards.md "Speed"): case counts, sums and sums of squares of the
corrections, feet with a complication of each kind, questionnaires done per
time point, the frequency table of each score at each time point, and the
baseline–follow-up pairs and those reaching the MCID. So they are kept per
group, and a page sums a few thousand tally rows instead of a million cases
and eleven million scores:

- ``CaseTally`` and ``ComplicationTally``, per *cell* of the dashboards'
  filters (site, surgeon, technique, fixation, severity, month of operation:
  ``detailed`` rows) and per site, surgeon and month (the other rows, for
  views not filtered by technique, fixation or severity);
- ``ScoreTally`` and ``PairTally`` at three levels (``TallyLevel``): per site
  and surgeon; per site, technique, fixation and severity; per site and month.
  A cell holds a few cases at registry size and scores take up to a few
  hundred values, so a per-cell score tally would be as long as the scores;
  a view that fits no level (several of technique/fixation/severity/period at
  once, or one of them with a surgeon) counts the scores themselves, which
  for one surgeon's cases is quick.

``registry.actions.rebuild_tallies`` recomputes every tally from
``CaseSummary``, ``complications.Complication`` and ``outcomes.Score``
(after a bulk load); ``refresh_case`` recomputes only the groups the episode
was in and is in now. Tallies are derived data, like ``CaseSummary``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import connection
from django.db.models import Model, Q, QuerySet

from halluxpath.complications.models import Complication
from halluxpath.core.instruments import SHIPPED, SITE_LOADED, Direction, Domain, Instrument
from halluxpath.core.schedule import TIME_POINTS, TimePointKey
from halluxpath.outcomes.models import Score
from halluxpath.registry.models import (
    CaseSummary,
    CaseTally,
    ComplicationTally,
    PairTally,
    ScoreTally,
    TallyLevel,
)

if TYPE_CHECKING:
    from halluxpath.registry.access import Scope
    from halluxpath.registry.sections import Filters

BASELINE = TimePointKey.BASELINE.value
FOLLOW_UPS = tuple(t for t in TIME_POINTS if t != BASELINE)
# Instruments whose scores are charted (satisfaction and return-to-activity days are not scales).
CHARTED: tuple[Instrument, ...] = (
    *(i for k, i in SHIPPED.items() if k not in ("satisfaction", "return_to_activity")),
    *SITE_LOADED.values(),
)
ANY = "any"  # the complication tally's "any complication" kind
# A case's cell: every filter of the dashboards (CaseSummary columns).
CELL = ("site_id", "surgeon_id", "technique", "fixation", "severity", "operated_month")
MIX = ("technique", "fixation", "severity")
LEVEL_KEYS: dict[str, tuple[str, ...]] = {
    TallyLevel.SURGEON: ("site_id", "surgeon_id"),
    TallyLevel.MIX: ("site_id", *MIX),
    TallyLevel.MONTH: ("site_id", "operated_month"),
}
Cell = tuple[Any, ...]  # values of CELL, in order


def charted_pairs() -> list[tuple[Instrument, Domain]]:
    return [(i, d) for i in CHARTED for d in i.domains]


def paired_sql(
    inner: str, keys: tuple[str, ...], with_mcid: list[tuple[Instrument, Domain]]
) -> tuple[str, list[Any]]:
    """An aggregate over ``inner`` (one row per episode and domain: ``keys``, instrument,
    domain and ``v_<i>``, the score at ``TIME_POINTS[i]``): per ``keys``, instrument and
    domain, the baselines, then for each follow-up the pairs and the pairs reaching the MCID.
    The caller appends ``inner``'s parameters to those returned. (The scores counted
    themselves, for a view no tally answers.)"""
    base = f"v_{TIME_POINTS.index(BASELINE)}"
    counts, params = [f"COUNT({base})"], []
    for i, time_point in enumerate(TIME_POINTS):
        if time_point == BASELINE:
            continue
        reached = []
        for instrument, domain in with_mcid:
            change = (
                f"{base} - v_{i} >= %s"
                if instrument.direction is Direction.HIGHER_WORSE
                else f"v_{i} - {base} >= %s"
            )
            reached.append(f"(instrument = %s AND domain = %s AND {change})")
            params += [instrument.key, domain.key, domain.mcid]
        counts.append(f"COUNT(CASE WHEN {base} IS NOT NULL THEN v_{i} END)")
        counts.append(
            f"SUM(CASE WHEN {base} IS NOT NULL AND v_{i} IS NOT NULL "
            f"AND ({' OR '.join(reached) or '1 = 0'}) THEN 1 ELSE 0 END)"
        )
    group = ", ".join([*keys, "instrument", "domain"])
    sql = f"SELECT {group}, {', '.join(counts)} FROM ({inner}) paired GROUP BY {group}"  # noqa: S608
    return sql, params


# --- which rows a view reads ----------------------------------------------------------------


@dataclass(frozen=True)
class View:
    """A scope and its filters, combined: what the cases of a view are narrowed by."""

    empty: bool  # the scope and the filters contradict each other: no case
    site_id: int | None = None
    surgeon_id: int | None = None
    technique: str | None = None
    fixation: str | None = None
    severity: str | None = None
    month_from: dt.date | None = None
    month_to: dt.date | None = None

    @property
    def mixed(self) -> bool:
        return any(getattr(self, k) is not None for k in MIX)

    @property
    def period(self) -> bool:
        return self.month_from is not None or self.month_to is not None


def view_of(scope: Scope, filters: Filters) -> View:
    keys: dict[str, int] = {}
    for key, a, b in (
        ("site_id", scope.site_id, filters.site_id),
        ("surgeon_id", scope.surgeon_id, filters.surgeon_id),
    ):
        if a is not None and b is not None and a != b:
            return View(empty=True)
        if a is not None or b is not None:
            keys[key] = a if a is not None else b  # type: ignore[assignment]
    return View(
        empty=False,
        technique=filters.technique,
        fixation=filters.fixation,
        severity=filters.severity,
        month_from=filters.month_from,
        month_to=filters.month_to,
        **keys,
    )


T = TypeVar("T", bound=Model)


def _narrowed(rows: QuerySet[T], view: View, *, mix: bool, period: bool) -> QuerySet[T]:
    if view.empty:
        return rows.none()
    for key in ("site_id", "surgeon_id"):
        if getattr(view, key) is not None:
            rows = rows.filter(**{key: getattr(view, key)})
    if mix:
        for key in MIX:
            if getattr(view, key) is not None:
                rows = rows.filter(**{key: getattr(view, key)})
    if period:
        if view.month_from is not None:
            rows = rows.filter(operated_month__gte=view.month_from)
        if view.month_to is not None:
            rows = rows.filter(operated_month__lte=view.month_to)
    return rows.order_by()


def case_tallies(view: View) -> QuerySet[CaseTally]:
    """The case tally rows whose sum is the view's: detailed ones only when it needs them."""
    rows = CaseTally.objects.filter(detailed=view.mixed)
    return _narrowed(rows, view, mix=True, period=True)


def complication_tallies(view: View) -> QuerySet[ComplicationTally]:
    rows = ComplicationTally.objects.filter(detailed=view.mixed)
    return _narrowed(rows, view, mix=True, period=True)


def score_level(view: View) -> str | None:
    """The questionnaire tally level that answers this view, or None: count the scores."""
    if not view.mixed and not view.period:
        return TallyLevel.SURGEON.value
    if view.surgeon_id is not None or (view.mixed and view.period):
        return None
    return TallyLevel.MIX.value if view.mixed else TallyLevel.MONTH.value


def score_tallies(view: View, level: str) -> QuerySet[ScoreTally]:
    rows = ScoreTally.objects.filter(level=level)
    return _narrowed(rows, view, mix=level == TallyLevel.MIX, period=level == TallyLevel.MONTH)


def pair_tallies(view: View, level: str) -> QuerySet[PairTally]:
    rows = PairTally.objects.filter(level=level)
    return _narrowed(rows, view, mix=level == TallyLevel.MIX, period=level == TallyLevel.MONTH)


# --- SQL helpers ----------------------------------------------------------------------------


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _value(column: str, value: Any) -> Any:
    if column == "operated_month" and isinstance(value, dt.date):
        return connection.ops.adapt_datefield_value(value)
    return value


def _groups(alias: str, keys: Sequence[str], groups: Iterable[Cell]) -> tuple[str, list[Any]]:
    """``(alias.k1 = %s AND alias.k2 = %s) OR …`` over the distinct groups; "1 = 0" for none."""
    found, params = [], []
    for group in sorted(set(groups), key=repr):
        found.append("(" + " AND ".join(f"{alias}.{k} = %s" for k in keys) + ")")
        params += [_value(k, v) for k, v in zip(keys, group, strict=True)]
    return " OR ".join(found) or "1 = 0", params


def _delete(
    model: type[Model], keys: Sequence[str], groups: list[Cell] | None, **also: Any
) -> None:
    rows = model._default_manager.filter(**also)
    if groups is not None:
        chosen = Q(pk__in=[])
        for group in set(groups):
            chosen |= Q(**dict(zip(keys, group, strict=True)))
        rows = rows.filter(chosen)
    rows._raw_delete(rows.db)  # derived rows: no signals, no cascade


def _charted_values() -> tuple[str, list[Any]]:
    """A VALUES list of the charted (instrument, domain, MCID, direction sign)."""
    rows, params = [], []
    for instrument, domain in charted_pairs():
        sign = 1.0 if instrument.direction is Direction.HIGHER_WORSE else -1.0
        rows.append("(%s, %s, %s, %s)")
        params += [instrument.key, domain.key, domain.mcid, sign]
    return ", ".join(rows), params


# --- case and complication tallies ----------------------------------------------------------

SUMMED = [
    "cases",
    *(f"{a}_{p}" for a in ("hva", "ima") for p in ("n", "sum", "sq", "pre", "post")),
    *(f"proms_{t}" for t in TIME_POINTS),
]


def _case_measures() -> str:
    found = ["COUNT(*)"]
    for angle in ("hva", "ima"):
        change = f"{angle}_change_deg"
        found += [
            f"COUNT({change})",
            f"COALESCE(SUM({change}), 0)",
            f"COALESCE(SUM({change} * {change}), 0)",
            f"COALESCE(SUM(CASE WHEN {change} IS NOT NULL THEN pre_{angle}_deg END), 0)",
            f"COALESCE(SUM(CASE WHEN {change} IS NOT NULL THEN post_{angle}_deg END), 0)",
        ]
    found += [f"SUM(CASE WHEN proms_{t} THEN 1 ELSE 0 END)" for t in TIME_POINTS]
    return ", ".join(found)


def rebuild_case_tallies(surgeon_months: Iterable[tuple[int, dt.date]] | None = None) -> None:
    """Recompute the case and complication tallies of these (surgeon, month of operation)
    pairs, both levels (None: every tally). Call inside a transaction."""
    groups = None if surgeon_months is None else list(set(surgeon_months))
    if groups is not None and not groups:
        return
    keys = ("surgeon_id", "operated_month")
    for model in (CaseTally, ComplicationTally):
        _delete(model, keys, groups)
    where, params = ("1 = 1", []) if groups is None else _groups("c", keys, groups)
    cells = ", ".join(f"c.{k}" for k in CELL)
    cases, cells_named = _table(CaseSummary), ", ".join(CELL)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_table(CaseTally)} (detailed, {cells_named}, {', '.join(SUMMED)}) "  # noqa: S608
            f"SELECT %s, {cells}, {_case_measures()} FROM {cases} c WHERE {where} "
            f"GROUP BY {cells}",
            [True, *params],
        )
        found = (
            f"FROM {_table(Complication)} k JOIN {cases} c ON c.episode_id = k.episode_id "
            f"WHERE k.entered_in_error = %s AND ({where})"
        )
        cursor.execute(
            f"INSERT INTO {_table(ComplicationTally)} (detailed, {cells_named}, kind, feet) "
            f"SELECT %s, {cells}, k.kind, COUNT(DISTINCT k.episode_id) {found} "
            f"GROUP BY {cells}, k.kind "
            f"UNION ALL SELECT %s, {cells}, %s, COUNT(DISTINCT k.episode_id) {found} "
            f"GROUP BY {cells}",
            [True, False, *params, True, ANY, False, *params],
        )
        # The totals per site, surgeon and month, from the detailed rows just written.
        where_t, params_t = ("1 = 1", []) if groups is None else _groups("t", keys, groups)
        totals = ", ".join(f"SUM(t.{k})" for k in SUMMED)
        cursor.execute(
            f"INSERT INTO {_table(CaseTally)} (detailed, {cells_named}, {', '.join(SUMMED)}) "  # noqa: S608
            f"SELECT %s, t.site_id, t.surgeon_id, '', '', '', t.operated_month, {totals} "
            f"FROM {_table(CaseTally)} t WHERE t.detailed = %s AND ({where_t}) "
            "GROUP BY t.site_id, t.surgeon_id, t.operated_month",
            [False, True, *params_t],
        )
        cursor.execute(
            f"INSERT INTO {_table(ComplicationTally)} (detailed, {cells_named}, kind, feet) "  # noqa: S608
            "SELECT %s, t.site_id, t.surgeon_id, '', '', '', t.operated_month, t.kind, "
            f"SUM(t.feet) FROM {_table(ComplicationTally)} t WHERE t.detailed = %s "
            f"AND ({where_t}) GROUP BY t.site_id, t.surgeon_id, t.operated_month, t.kind",
            [False, True, *params_t],
        )


# --- questionnaire tallies ------------------------------------------------------------------


def _level_columns(keys: Sequence[str]) -> str:
    """The tally's key columns as selected for a level: its keys, the others null or blank."""
    found = []
    for column in CELL:
        if column in keys:
            found.append(f"c.{column}")
        elif column in MIX:
            found.append("''")
        else:
            found.append("NULL")
    return ", ".join(found)


def rebuild_score_tallies(level: str, groups: Iterable[Cell] | None = None) -> None:
    """Recompute the questionnaire tallies of one level, for these groups (values of the
    level's keys; None: every group). Call inside a transaction."""
    keys = LEVEL_KEYS[level]
    chosen = None if groups is None else list(set(groups))
    if chosen is not None and not chosen:
        return
    for model in (ScoreTally, PairTally):
        _delete(model, keys, chosen, level=level)
    where, params = ("1 = 1", []) if chosen is None else _groups("c", keys, chosen)
    charted, charted_params = _charted_values()
    named = ", ".join(CELL)
    grouped = ", ".join(f"c.{k}" for k in keys)
    # SQLite joins in the order written: every score in storage order, each finding its
    # case by key, for a full rebuild; a few groups' cases first, each finding its scores.
    score, case = f"{_table(Score)} s", f"{_table(CaseSummary)} c"
    joined = (
        f"{score if chosen is None else case} CROSS JOIN {case if chosen is None else score} "  # noqa: S608
        "WHERE c.episode_id = s.episode_id AND s.value IS NOT NULL AND (s.instrument, s.domain) "
        f"IN (SELECT instrument, domain FROM charted) AND ({where})"
    )
    with_charted = f"WITH charted (instrument, domain, mcid, sign) AS (VALUES {charted}) "
    base = TIME_POINTS.index(BASELINE)
    per_time_point = ", ".join(
        f"MAX(CASE WHEN s.time_point = %s THEN s.value END) AS v_{i}"
        for i in range(len(TIME_POINTS))
    )
    counts = [f"COUNT(p.v_{base})"]
    for i, time_point in enumerate(TIME_POINTS):
        if time_point == BASELINE:
            continue
        counts.append(f"COUNT(CASE WHEN p.v_{base} IS NOT NULL THEN p.v_{i} END)")
        counts.append(
            f"SUM(CASE WHEN m.mcid IS NOT NULL AND m.sign * (p.v_{base} - p.v_{i}) >= m.mcid "
            "THEN 1 ELSE 0 END)"
        )
    outer = ", ".join(f"p.{k}" for k in keys)
    with connection.cursor() as cursor:
        cursor.execute(
            f"{with_charted}INSERT INTO {_table(ScoreTally)} "  # noqa: S608 (bound parameters)
            f"(level, {named}, instrument, domain, time_point, value, patients) "
            f"SELECT %s, {_level_columns(keys)}, s.instrument, s.domain, s.time_point, s.value, "
            f"COUNT(*) FROM {joined} GROUP BY {grouped}, s.instrument, s.domain, s.time_point, "
            "s.value",
            [*charted_params, level, *params],
        )
        inner = (
            f"SELECT {', '.join(f'c.{k} AS {k}' for k in keys)}, s.instrument AS instrument, "  # noqa: S608
            f"s.domain AS domain, {per_time_point} FROM {joined} "
            f"GROUP BY s.episode_id, {grouped}, s.instrument, s.domain"
        )
        cursor.execute(
            f"{with_charted}SELECT {outer}, p.instrument, p.domain, {', '.join(counts)} "  # noqa: S608
            f"FROM ({inner}) p JOIN charted m ON m.instrument = p.instrument "
            f"AND m.domain = p.domain GROUP BY {outer}, p.instrument, p.domain",
            [*charted_params, *TIME_POINTS, *params],
        )
        rows = cursor.fetchall()
    made = []
    blank: dict[str, Any] = {k: ("" if k in MIX else None) for k in CELL if k not in keys}
    for row in rows:
        key = dict(zip(keys, row[: len(keys)], strict=True))
        instrument, domain, baselines, *counted = row[len(keys) :]
        common = {"level": level, **blank, **key, "instrument": instrument, "domain": domain}
        made.append(PairTally(**common, time_point=BASELINE, pairs=int(baselines or 0), reached=0))
        follow_ups = iter(counted)
        for time_point in FOLLOW_UPS:
            found, hit = next(follow_ups), next(follow_ups)
            if found:
                made.append(
                    PairTally(
                        **common, time_point=time_point, pairs=int(found), reached=int(hit or 0)
                    )
                )
    PairTally.objects.bulk_create(made, batch_size=1000)


def rebuild_cells(cells: Iterable[Cell] | None = None) -> None:
    """Recompute every tally the cases of these cells count in (None: every tally)."""
    chosen = None if cells is None else list(set(cells))
    rebuild_case_tallies(None if chosen is None else [(c[1], c[5]) for c in chosen])
    for level, keys in LEVEL_KEYS.items():
        index = [CELL.index(k) for k in keys]
        rebuild_score_tallies(
            level, None if chosen is None else [tuple(c[i] for i in index) for c in chosen]
        )


def cells_of(cases: QuerySet[CaseSummary]) -> set[Cell]:
    return set(cases.order_by().values_list(*CELL).distinct())
