"""Questionnaire tallies per surgeon: what the questionnaire sections read (docs/dashboards.md).

The score sections (median per time point, share reaching the MCID) are
additive over surgeons: the frequency table of a score at a time point, and
the counts of baseline–follow-up pairs and of pairs reaching the MCID, for a
site or the registry are the sums of its surgeons'. Reading every score per
page costs seconds at 100,000 episodes and tens of seconds at a million;
reading the tallies costs milliseconds. ``registry.actions.rebuild_tallies``
recomputes one surgeon's rows (or everybody's) from ``outcomes.Score`` joined
to ``CaseSummary``; it runs from ``refresh_case`` / ``refresh_all``, after a response is
scored (``refresh_scores``) and after a bulk load (``registry.volume``).

Tallies carry no filter but site and surgeon: a page filtered by technique,
fixation, severity or period counts the scores themselves (outcome_sections).
"""

from __future__ import annotations

from typing import Any

from halluxpath.core.instruments import SHIPPED, SITE_LOADED, Direction, Domain, Instrument
from halluxpath.core.schedule import TIME_POINTS, TimePointKey

BASELINE = TimePointKey.BASELINE.value
FOLLOW_UPS = tuple(t for t in TIME_POINTS if t != BASELINE)
# Instruments whose scores are charted (satisfaction and return-to-activity days are not scales).
CHARTED: tuple[Instrument, ...] = (
    *(i for k, i in SHIPPED.items() if k not in ("satisfaction", "return_to_activity")),
    *SITE_LOADED.values(),
)


def charted_pairs() -> list[tuple[Instrument, Domain]]:
    return [(i, d) for i in CHARTED for d in i.domains]


def paired_sql(
    inner: str, keys: tuple[str, ...], with_mcid: list[tuple[Instrument, Domain]]
) -> tuple[str, list[Any]]:
    """An aggregate over ``inner`` (one row per episode and domain: ``keys``, instrument,
    domain and ``v_<i>``, the score at ``TIME_POINTS[i]``): per ``keys``, instrument and
    domain, the baselines, then for each follow-up the pairs and the pairs reaching the MCID.
    The caller appends ``inner``'s parameters to those returned."""
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


def pairs_condition(pairs: list[tuple[Instrument, Domain]]) -> tuple[str, list[str]]:
    found, params = [], []
    for instrument, domain in pairs:
        found.append("(s.instrument = %s AND s.domain = %s)")
        params += [instrument.key, domain.key]
    return " OR ".join(found) or "1 = 0", params
