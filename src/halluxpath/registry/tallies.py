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
- ``ScoreTally`` and ``PairTally`` at four levels (``TallyLevel``): per site
  and surgeon; per site, technique, fixation and severity; the same per
  surgeon; per site and month. A cell holds a few cases at registry size and
  scores take up to a few hundred values, so a per-cell score tally would be
  as long as the scores; a view that fits no level (a period with technique,
  fixation or severity, or with a surgeon) counts the scores themselves.

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
BASELINE_FIRST = (BASELINE, *FOLLOW_UPS)
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
    TallyLevel.SURGEON_MIX: ("site_id", "surgeon_id", *MIX),
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
    if view.mixed and view.period:
        return None
    if view.mixed:
        return (TallyLevel.MIX if view.surgeon_id is None else TallyLevel.SURGEON_MIX).value
    return TallyLevel.MONTH.value if view.surgeon_id is None else None


MIXED_LEVELS = frozenset({TallyLevel.MIX.value, TallyLevel.SURGEON_MIX.value})


def score_tallies(view: View, level: str) -> QuerySet[ScoreTally]:
    rows = ScoreTally.objects.filter(level=level)
    return _narrowed(rows, view, mix=level in MIXED_LEVELS, period=level == TallyLevel.MONTH)


def pair_tallies(view: View, level: str) -> QuerySet[PairTally]:
    rows = PairTally.objects.filter(level=level)
    return _narrowed(rows, view, mix=level in MIXED_LEVELS, period=level == TallyLevel.MONTH)


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
    if chosen is None and rebuild_all_score_tallies():
        return
    for level, keys in LEVEL_KEYS.items():
        index = [CELL.index(k) for k in keys]
        rebuild_score_tallies(
            level, None if chosen is None else [tuple(c[i] for i in index) for c in chosen]
        )


def cells_of(cases: QuerySet[CaseSummary]) -> set[Cell]:
    return set(cases.order_by().values_list(*CELL).distinct())


# --- a full rebuild of the questionnaire tallies, counted in arrays ------------------------
#
# SQLite aggregates by sorting: a GROUP BY over the eleven million scores of a million
# episodes sorts them (about 4 µs a score here, several minutes a level), and a sort of
# integer keys is still about 0.8 µs a score. So a full rebuild reads each score once as
# one integer — its episode, its (instrument, domain, time point) and its value, packed —
# and counts in numpy (bincount: no sort of the scores per level). Exact: a value travels
# as round(value × VALUE_SCALE) only if every value equals that integer / VALUE_SCALE
# (checked in the same scan); otherwise, or on another database, the SQL above counts.

VALUE_SCALE = 10_000
VALUE_BITS = 31  # packed value: round(value × VALUE_SCALE) + 2**30, in [0, 2**31)
SCORE_CHUNK = 2_000_000  # score ids per query (bounds the text one query returns)
ROWS_PER_INSERT = 200


def _packed(text: str | None, width: int = 1) -> Any:
    import numpy as np

    if not text:
        return np.zeros((0, width), dtype=np.int64) if width > 1 else np.zeros(0, np.int64)
    found = np.fromstring(text, dtype=np.int64, sep=",")
    return found.reshape(-1, width) if width > 1 else found


def _code(column: str, keys: Sequence[Any]) -> tuple[str, list[Any]]:
    """A CASE giving the column's index in ``keys`` (null for another value)."""
    sql = " ".join(["CASE", column, *("WHEN %s THEN %s" for _ in keys), "END"])
    return sql, [p for i, key in enumerate(keys) for p in (key, i)]


def _distinct(cursor: Any, column: str) -> list[Any]:
    cursor.execute(f"SELECT DISTINCT {column} FROM {_table(CaseSummary)}")  # noqa: S608
    return sorted(row[0] for row in cursor.fetchall())


def _case_arrays(cursor: Any) -> tuple[Any, list[tuple[str, str, str]], list[str]]:
    """Every case's episode, site, surgeon, mix (index into the mixes returned) and month
    (index into the months returned, the stored text) as an (n, 5) integer array."""
    kinds = [_distinct(cursor, k) for k in MIX]
    months = _distinct(cursor, "CAST(operated_month AS TEXT)")
    # A month's code from its text (year × 12 + month) if that tells the months apart.
    number = "CAST(substr({m}, 1, 4) AS INTEGER) * 12 + CAST(substr({m}, 6, 2) AS INTEGER)"
    cursor.execute(
        f"SELECT m, {number.format(m='m')} FROM (SELECT DISTINCT CAST(operated_month AS TEXT) AS m "  # noqa: S608
        f"FROM {_table(CaseSummary)})"
    )
    numbered = dict(cursor.fetchall())
    mix, params = "0", list[Any]()
    for column, keys in zip(MIX, kinds, strict=True):
        sql, found = _code(column, keys)
        mix, params = f"({mix}) * {len(keys)} + {sql}", [*params, *found]
    month, found = _code("CAST(operated_month AS TEXT)", months)
    if len(set(numbered.values())) == len(months):
        month, found = number.format(m="CAST(operated_month AS TEXT)"), []
    cursor.execute(
        f"SELECT group_concat(episode_id || ',' || site_id || ',' || surgeon_id || ',' || "  # noqa: S608
        f"({mix}) || ',' || ({month})) FROM {_table(CaseSummary)}",
        [*params, *found],
    )
    mixes = [(t, f, s) for t in kinds[0] for f in kinds[1] for s in kinds[2]]
    cases = _packed(cursor.fetchone()[0], 5)
    if not found:  # month numbers → indexes into ``months``
        import numpy as np

        index = np.zeros(max(numbered.values(), default=0) + 1, dtype=np.int64)
        index[[numbered[m] for m in months]] = np.arange(len(months))
        cases[:, 4] = index[cases[:, 4]]
    return cases, mixes, months


def _item_code(pairs: list[tuple[Instrument, Domain]]) -> tuple[str, list[Any]]:
    """A score's index among the items (pair-major, then TIME_POINTS); null for the others."""
    pair = ["CASE s.instrument"]
    params: list[Any] = []
    for key in dict.fromkeys(i.key for i, _ in pairs):
        domains = [(k, d) for k, (i, d) in enumerate(pairs) if i.key == key]
        pair.append("WHEN %s THEN CASE s.domain" + " WHEN %s THEN %s" * len(domains) + " END")
        params += [key, *(p for k, d in domains for p in (d.key, k))]
    time_point, found = _code("s.time_point", BASELINE_FIRST)
    return f"({' '.join(pair)} END) * {len(BASELINE_FIRST)} + {time_point}", [*params, *found]


def _score_arrays(
    cursor: Any, pairs: list[tuple[Instrument, Domain]], chunk: int
) -> tuple[Any, Any, Any] | None:
    """Every valued score of a charted item as (episode, item index, value code) rows, read
    score-id range by range; None if a value is not exactly code / VALUE_SCALE."""
    import numpy as np

    scores = _table(Score)
    cursor.execute(f"SELECT MIN(id), MAX(id) FROM {scores}")  # noqa: S608
    low, high = cursor.fetchone()
    item, item_params = _item_code(pairs)
    code = f"CAST(round(s.value * {VALUE_SCALE}) AS INTEGER)"
    width = 1 << (len(pairs) * len(TIME_POINTS) - 1).bit_length()  # items, to a power of 2
    parts = []
    for start in range(low or 0, (high or -1) + 1, chunk):
        cursor.execute(
            f"SELECT group_concat((s.episode_id * {width} + {item}) * {2**VALUE_BITS} "  # noqa: S608
            f"+ {code} + {2 ** (VALUE_BITS - 1)}), "
            f"TOTAL(s.value <> {code} * 1.0 / {VALUE_SCALE}), MAX(abs(s.value)), "
            f"MAX(s.episode_id) FROM {scores} s "
            "WHERE s.id >= %s AND s.id < %s AND s.value IS NOT NULL",
            [*item_params, start, start + chunk],
        )
        text, inexact, largest, last_episode = cursor.fetchone()
        if text is None:
            continue
        limit = (2 ** (VALUE_BITS - 1) - 1) / VALUE_SCALE
        if inexact or largest > limit or last_episode * width >= 2**31:
            return None
        parts.append(_packed(text))
    packed = np.concatenate(parts) if parts else np.zeros(0, np.int64)
    values = (packed & (2**VALUE_BITS - 1)) - 2 ** (VALUE_BITS - 1)
    episode_item = packed >> VALUE_BITS
    shift = width.bit_length() - 1
    return episode_item >> shift, episode_item & (width - 1), values


def _insert(cursor: Any, model: type[Model], columns: str, rows: list[tuple[Any, ...]]) -> None:
    """Insert the rows, ROWS_PER_INSERT to a statement (half the time of one a row)."""
    if not rows:
        return
    one = "(" + ", ".join(["%s"] * len(rows[0])) + ")"
    sql = f"INSERT INTO {_table(model)} ({columns}) VALUES "  # noqa: S608
    whole = len(rows) - len(rows) % ROWS_PER_INSERT
    cursor.executemany(
        sql + ", ".join([one] * ROWS_PER_INSERT),
        [
            [v for row in rows[i : i + ROWS_PER_INSERT] for v in row]
            for i in range(0, whole, ROWS_PER_INSERT)
        ],
    )
    if whole < len(rows):
        cursor.execute(
            sql + ", ".join([one] * (len(rows) - whole)), [v for row in rows[whole:] for v in row]
        )


def rebuild_all_score_tallies(chunk: int = SCORE_CHUNK) -> bool:
    """Recompute every questionnaire tally of every level from arrays (SQLite); False when
    this database or these values need the SQL count instead. Call inside a transaction."""
    if connection.vendor != "sqlite":
        return False
    import numpy as np

    pairs = charted_pairs()
    items = [(i.key, d.key, t) for i, d in pairs for t in BASELINE_FIRST]
    with connection.cursor() as cursor:
        cases, mixes, months = _case_arrays(cursor)
        scored = _score_arrays(cursor, pairs, chunk)
        if scored is None:
            return False
    episode, item, code = scored
    # Each score's case (row of ``cases``); scores of episodes without a case row drop out.
    row_of = np.full(int(max(cases[:, 0].max(initial=0), episode.max(initial=0))) + 1, -1)
    row_of[cases[:, 0]] = np.arange(len(cases))
    case = row_of[episode]
    kept = case >= 0
    case, item, code = case[kept], item[kept], code[kept]
    # (item, value) → index into those present, in item then value order, without a sort.
    least = int(code.min(initial=0))
    value_seen = np.flatnonzero(np.bincount(code - least))
    value_index = np.zeros(len(value_seen) and int(value_seen[-1]) + 1, dtype=np.int64)
    value_index[value_seen] = np.arange(len(value_seen))
    dense = item * len(value_seen) + value_index[code - least]
    dense_seen = np.flatnonzero(np.bincount(dense))
    dense_index = np.zeros(len(dense_seen) and int(dense_seen[-1]) + 1, dtype=np.int64)
    dense_index[dense_seen] = np.arange(len(dense_seen))
    iv = dense_index[dense]
    n_iv = len(dense_seen)
    iv_item = dense_seen // max(len(value_seen), 1)
    iv_value = (value_seen[dense_seen % max(len(value_seen), 1)] + least) / VALUE_SCALE
    # Each (case, item)'s highest value (the per-episode pivot of paired_sql): sort once.
    ordered = np.sort(case * n_iv + iv)
    case_item = ordered // n_iv
    case_item_item = iv_item[ordered - case_item * n_iv]
    case_item_key = case_item * len(items) + case_item_item
    last = np.ones(len(ordered), dtype=bool)
    last[:-1] = case_item_key[1:] != case_item_key[:-1]
    p_case = case_item[last]
    p_item = case_item_item[last]
    p_value = iv_value[ordered[last] % n_iv]
    n_tp = len(BASELINE_FIRST)
    p_pair, p_tp = p_item // n_tp, p_item % n_tp
    # Per episode and pair the time points run baseline first: a follow-up's baseline is the
    # first row of its run, when that row is a baseline.
    episode_pair = p_case * len(pairs) + p_pair  # non-decreasing (items are pair-major)
    at_base = p_tp == 0
    starts = np.ones(len(episode_pair), dtype=bool)
    starts[1:] = episode_pair[1:] != episode_pair[:-1]
    first_of_run = np.flatnonzero(starts)[np.cumsum(starts) - 1]
    has_base = at_base[first_of_run] & ~at_base
    base_value = p_value[first_of_run]
    sign = np.array([1.0 if i.direction is Direction.HIGHER_WORSE else -1.0 for i, _ in pairs])
    mcid = np.array([np.nan if d.mcid is None else float(d.mcid) for _, d in pairs])
    with np.errstate(invalid="ignore"):
        reached = has_base & (sign[p_pair] * (base_value - p_value) >= mcid[p_pair])
    site, surgeon, mix, month = cases[:, 1], cases[:, 2], cases[:, 3], cases[:, 4]
    by_surgeon = site * (int(surgeon.max(initial=0)) + 1) + surgeon
    level_of = {
        TallyLevel.SURGEON: by_surgeon,
        TallyLevel.MIX: site * len(mixes) + mix,
        TallyLevel.SURGEON_MIX: by_surgeon * len(mixes) + mix,
        TallyLevel.MONTH: site * len(months) + month,
    }
    score_rows: list[tuple[Any, ...]] = []
    pair_rows: list[tuple[Any, ...]] = []
    for level, key in level_of.items():
        groups, group_of_case = np.unique(key, return_inverse=True)
        first = np.zeros(len(groups), dtype=np.int64)
        first[group_of_case[::-1]] = np.arange(len(key))[::-1]  # a case of each group
        g = len(groups)
        columns = []
        for row in first.tolist():
            keys = LEVEL_KEYS[level]
            surgeon_id = int(surgeon[row]) if "surgeon_id" in keys else None
            mixed = mixes[int(mix[row])] if "technique" in keys else ("", "", "")
            in_month = months[int(month[row])] if level == TallyLevel.MONTH else None
            columns.append((level.value, int(site[row]), surgeon_id, *mixed, in_month))

        counts = np.bincount(group_of_case[case] * n_iv + iv, minlength=g * n_iv)
        cells = np.flatnonzero(counts)
        score_rows += [
            (*columns[group], *items[i], value, n)
            for group, i, value, n in zip(
                (cells // n_iv).tolist(),
                iv_item[cells % n_iv].tolist(),
                iv_value[cells % n_iv].tolist(),
                counts[cells].tolist(),
                strict=True,
            )
        ]
        at = group_of_case[p_case] * len(pairs) + p_pair
        present = np.bincount(at, minlength=g * len(pairs))
        with_base = np.bincount(at[at_base], minlength=g * len(pairs)).tolist()
        found = np.bincount(at * n_tp + p_tp, weights=has_base, minlength=g * len(pairs) * n_tp)
        hit = np.bincount(at * n_tp + p_tp, weights=reached, minlength=g * len(pairs) * n_tp)
        found_n, hit_n = found.astype(np.int64).tolist(), hit.astype(np.int64).tolist()
        for cell in np.flatnonzero(present).tolist():
            group, pair = divmod(cell, len(pairs))
            named = (*columns[group], pairs[pair][0].key, pairs[pair][1].key)
            pair_rows.append((*named, BASELINE, with_base[cell], 0))
            for t, time_point in enumerate(BASELINE_FIRST):
                n = found_n[cell * n_tp + t]
                if t and n:
                    pair_rows.append((*named, time_point, n, hit_n[cell * n_tp + t]))
    keyed = f"level, {', '.join(CELL)}, instrument, domain, time_point"
    with connection.cursor() as cursor:
        for model in (ScoreTally, PairTally):  # every row: SQLite empties the table at once
            cursor.execute(f"DELETE FROM {_table(model)}")  # noqa: S608
        _insert(cursor, ScoreTally, f"{keyed}, value, patients", score_rows)
        _insert(cursor, PairTally, f"{keyed}, pairs, reached", pair_rows)
    return True
