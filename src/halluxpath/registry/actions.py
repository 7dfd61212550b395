"""Keep ``CaseSummary`` in step with the records it is derived from.

``refresh_case(episode_id)`` is called, one line each, by the actions that
change a summary's inputs: the operative record saved, signed or amended
(surgery.actions.operation), a film's reading or details saved
(imaging.actions), a complication recorded, amended, marked in error or a
recurrence confirmed (complications.actions), and a questionnaire completed
(outcomes, once its actions call it).
It takes no actor: it derives, it does not decide, and it writes no audit
event (the records it reads carry theirs). ``refresh_all`` rebuilds every
row in batches (``halluxpath refresh_registry``), for a new installation, a
changed derivation, or after a bulk import that bypassed the actions.

Which reading gives an angle (docs/dashboards.md): pre-operative, the
plan's reading, else the newest current reading on the latest pre-operative
standing dorsoplantar film; post-operative, the newest current reading on
the latest standing dorsoplantar film taken after the operation day.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Min, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone

from halluxpath.complications.models import Complication
from halluxpath.core.complications import Kind
from halluxpath.core.grading import severity
from halluxpath.core.landmarks import FilmView
from halluxpath.core.planning import Technique
from halluxpath.core.radiograph import TimePoint
from halluxpath.core.schedule import TIME_POINTS
from halluxpath.imaging.models import Measurement
from halluxpath.outcomes.models import QuestionnaireResponse, ResponseStatus
from halluxpath.patients.models import Episode
from halluxpath.registry import tallies
from halluxpath.registry.learning import CURVES
from halluxpath.registry.models import (
    NOT_RECORDED,
    CaseSummary,
    LearningSummary,
    fixation_of,
)
from halluxpath.surgery.models import OperativeRecord, SurgicalPlan

BATCH = 500
EARLY_COMPLICATION_DAYS = 90  # the learning curve's complication indicator (registry.learning)
BEFORE_OPERATION = (TimePoint.PRE_OPERATIVE.value,)
NOT_FOLLOW_UP = (TimePoint.PRE_OPERATIVE.value, TimePoint.INTRA_OPERATIVE.value)


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _angles(measurement: Measurement | None) -> tuple[float | None, float | None]:
    if measurement is None or not isinstance(measurement.results, dict):
        return None, None
    return _number(measurement.results.get("hva_deg")), _number(measurement.results.get("ima_deg"))


def _standing_readings(episode_id: int) -> QuerySet[Measurement]:
    return Measurement.objects.filter(
        radiograph__episode_id=episode_id,
        radiograph__weight_bearing=True,
        radiograph__view=FilmView.DP.value,
        superseded_at__isnull=True,
    ).select_related("radiograph")


def _pre_reading(episode_id: int, plan: SurgicalPlan | None) -> Measurement | None:
    if plan is not None and plan.measurement_id is not None:
        return Measurement.objects.filter(pk=plan.measurement_id).first()
    return (
        _standing_readings(episode_id)
        .filter(radiograph__time_point__in=BEFORE_OPERATION)
        .order_by("-radiograph__acquired_on", "-radiograph_id", "-created_at", "-pk")
        .first()
    )


def _post_reading(episode_id: int, operated_on: dt.date) -> Measurement | None:
    return (
        _standing_readings(episode_id)
        .filter(radiograph__acquired_on__gt=operated_on)
        .exclude(radiograph__time_point__in=NOT_FOLLOW_UP)
        .order_by("-radiograph__acquired_on", "-radiograph_id", "-created_at", "-pk")
        .first()
    )


def _events(episode_id: int, operated_on: dt.date) -> dict[str, Any]:
    """Complications (entered-in-error left out): the first recurrence and reoperation, in
    days from the operation, any complication within 90 days, and the latest date known."""
    found = Complication.objects.filter(episode_id=episode_id, entered_in_error=False)
    dates = found.aggregate(
        recurrence=Min("onset_on", filter=Q(kind=Kind.RECURRENCE.value)),
        reoperation=Min(Coalesce("reoperated_on", "onset_on"), filter=Q(reoperation=True)),
        last_onset=Max("onset_on"),
        last_resolved=Max("resolved_on"),
        last_reoperated=Max("reoperated_on"),
    )
    early = operated_on + dt.timedelta(days=EARLY_COMPLICATION_DAYS)
    news = [dates[k] for k in ("last_onset", "last_resolved", "last_reoperated") if dates[k]]

    def days(on: dt.date | None) -> int | None:
        return None if on is None else max(0, (on - operated_on).days)

    return {
        "recurrence_days": days(dates["recurrence"]),
        "reoperation_days": days(dates["reoperation"]),
        "complication_90d": found.filter(onset_on__lte=early).exists(),
        "last_news": max(news) if news else None,
    }


def _technique(plan: SurgicalPlan | None, content: dict[str, Any]) -> str:
    """The plan's technique; without a plan, a burr osteotomy of M1 is the MIS distal one."""
    if plan is not None:
        return plan.technique
    for osteotomy in content.get("osteotomies", []):
        if osteotomy.get("bone") == "m1" and osteotomy.get("instrument") == "burr":
            return Technique.MIS_DISTAL.value
    return NOT_RECORDED


def summary_values(episode: Episode, record: OperativeRecord) -> dict[str, Any]:
    """The columns of the episode's summary row (all but the MIS case number)."""
    content, _unreadable = record.readable_record
    plan = SurgicalPlan.objects.filter(episode_id=episode.pk).first()
    pre_hva, pre_ima = _angles(_pre_reading(episode.pk, plan))
    post = _post_reading(episode.pk, record.operated_on)
    post_hva, post_ima = _angles(post)
    last_film = (
        _standing_readings(episode.pk).aggregate(last=Max("radiograph__acquired_on"))["last"]
        or record.operated_on
    )
    events = _events(episode.pk, record.operated_on)
    completed = set(
        QuestionnaireResponse.objects.filter(
            episode_id=episode.pk, status=ResponseStatus.COMPLETED
        ).values_list("time_point", flat=True)
    )
    last_answer = QuestionnaireResponse.objects.filter(
        episode_id=episode.pk, status=ResponseStatus.COMPLETED
    ).aggregate(last=Max("completed_on"))["last"]
    last_seen = max(
        d for d in (last_film, last_answer, events.pop("last_news"), record.operated_on) if d
    )
    return {
        "site_id": episode.patient.site_id,
        "surgeon_id": episode.responsible_surgeon_id,
        "technique": _technique(plan, content),
        "akin": bool(plan.akin)
        if plan is not None
        else any(o.get("bone") == "p1" for o in content.get("osteotomies", [])),
        "fixation": fixation_of(
            str(i["kind"]) for i in content.get("implants", []) if i.get("kind")
        ).value,
        "operated_on": record.operated_on,
        "operated_month": record.operated_on.replace(day=1),
        "severity": severity(pre_hva, pre_ima)
        if pre_hva is not None and pre_ima is not None
        else NOT_RECORDED,
        "pre_hva_deg": pre_hva,
        "pre_ima_deg": pre_ima,
        "post_hva_deg": post_hva,
        "post_ima_deg": post_ima,
        "post_film_days": (post.radiograph.acquired_on - record.operated_on).days if post else None,
        "hva_change_deg": None if pre_hva is None or post_hva is None else pre_hva - post_hva,
        "ima_change_deg": None if pre_ima is None or post_ima is None else pre_ima - post_ima,
        "operative_time_min": _number(content.get("operative_time_min")),
        "fluoro_time_s": _number(content.get("fluoro_time_s")),
        "conversion_to_open": content.get("conversion_to_open") is True,
        **events,
        **{f"proms_{key}": key in completed for key in TIME_POINTS},
        "follow_up_days": (last_seen - record.operated_on).days,
        "last_seen_on": last_seen,
        "refreshed_at": timezone.now(),
    }


def renumber_surgeon(surgeon_id: int) -> None:
    """Number the surgeon's MIS distal osteotomies 1, 2, 3... in operating order and
    recompute their learning curves (DOMAIN §10, registry.learning)."""
    rows = CaseSummary.objects.filter(surgeon_id=surgeon_id)
    keys = [c.key for c in CURVES]
    mis = list(
        rows.filter(technique=Technique.MIS_DISTAL.value)
        .order_by("operated_on", "episode_id")
        .values("episode_id", "mis_case_number", *(c.measure for c in CURVES), *keys)
    )
    wanted: list[dict[str, float | None]] = [
        {"mis_case_number": n, **dict.fromkeys(keys)} for n in range(1, len(mis) + 1)
    ]
    brief: dict[str, int | None] = {"mis_cases": len(mis)}
    for curve in CURVES:
        measured = [i for i, row in enumerate(mis) if row[curve.measure] is not None]
        found = curve.curve([curve.failed(mis[i][curve.measure]) for i in measured])
        for i, value in zip(measured, found.values, strict=True):
            wanted[i][curve.key] = value
        brief[f"{curve.key}_cases"] = len(measured)
        for limit, at in (("h0", found.crossed_h0_at), ("h1", found.crossed_h1_at)):
            brief[f"{curve.key}_{limit}_case"] = None if at is None else measured[at - 1] + 1
    changed = [
        CaseSummary(episode_id=row["episode_id"], **want)
        for row, want in zip(mis, wanted, strict=True)
        if any(row[k] != v for k, v in want.items())
    ]
    CaseSummary.objects.bulk_update(changed, ["mis_case_number", *keys], batch_size=BATCH)
    rows.exclude(technique=Technique.MIS_DISTAL.value).exclude(mis_case_number__isnull=True).update(
        mis_case_number=None, **dict.fromkeys(keys)
    )
    site_id = rows.values_list("site_id", flat=True).first()
    if site_id is None:
        LearningSummary.objects.filter(surgeon_id=surgeon_id).delete()
    else:
        LearningSummary.objects.update_or_create(
            surgeon_id=surgeon_id, defaults={"site_id": site_id, **brief}
        )


def refresh_case(episode_id: int) -> CaseSummary | None:
    """Rebuild the summary of one episode: a row once its operative record is signed, else none.

    Inside :func:`summaries_deferred` it only notes the episode (and returns
    None); the summary is rebuilt when the block ends.
    """
    queued = _queued()
    if queued is not None:
        queued.add(episode_id)
        return None
    with transaction.atomic():
        episode = Episode.objects.select_related("patient").get(pk=episode_id)
        record = OperativeRecord.objects.filter(
            episode_id=episode_id, signed_at__isnull=False
        ).first()
        before = CaseSummary.objects.filter(episode_id=episode_id)
        surgeons = set(before.values_list("surgeon_id", flat=True))
        cells = tallies.cells_of(before)
        if record is None:
            CaseSummary.objects.filter(episode_id=episode_id).delete()
            summary = None
        else:
            summary, _ = CaseSummary.objects.update_or_create(
                episode_id=episode_id, defaults=summary_values(episode, record)
            )
            surgeons.add(summary.surgeon_id)
            cells |= tallies.cells_of(CaseSummary.objects.filter(episode_id=episode_id))
        for surgeon_id in surgeons:
            renumber_surgeon(surgeon_id)
        tallies.rebuild_cells(cells)
    if summary is not None:
        summary.refresh_from_db(fields=["mis_case_number"])
    return summary


def _operated_episodes(batch: int) -> Iterator[list[int]]:
    ids = OperativeRecord.objects.filter(signed_at__isnull=False).order_by("episode_id")
    last = 0
    while True:
        chunk = list(ids.filter(episode_id__gt=last).values_list("episode_id", flat=True)[:batch])
        if not chunk:
            return
        yield chunk
        last = chunk[-1]


def refresh_all(batch: int = BATCH) -> int:
    """Rebuild every summary row in batches of ``batch`` episodes; returns the rows kept."""
    kept = 0
    for chunk in _operated_episodes(batch):
        with transaction.atomic():
            episodes = Episode.objects.select_related("patient").in_bulk(chunk)
            records = OperativeRecord.objects.filter(episode_id__in=chunk).in_bulk(
                field_name="episode_id"
            )
            rows = [
                CaseSummary(episode_id=pk, **summary_values(episodes[pk], records[pk]))
                for pk in chunk
            ]
            CaseSummary.objects.filter(episode_id__in=chunk).delete()
            CaseSummary.objects.bulk_create(rows, batch_size=batch)
            kept += len(rows)
    with transaction.atomic():
        signed = OperativeRecord.objects.filter(signed_at__isnull=False).values("episode_id")
        CaseSummary.objects.exclude(episode_id__in=signed).delete()
        LearningSummary.objects.exclude(
            surgeon_id__in=CaseSummary.objects.values("surgeon_id")
        ).delete()
        for surgeon_id in set(CaseSummary.objects.values_list("surgeon_id", flat=True).distinct()):
            renumber_surgeon(surgeon_id)
        tallies.rebuild_cells(None)
    return kept


def refresh_scores(episode_id: int) -> None:
    """Bring the dashboards up to date after an episode's response was scored: its
    summary (questionnaire time points answered, last news) and its surgeon's
    questionnaire tallies; nothing for an episode not operated (its scores count
    nowhere yet). Inside :func:`summaries_deferred` it waits for the block's end."""
    refresh_case(episode_id)


def summarise_learning() -> int:
    """Rebuild every surgeon's ``LearningSummary`` from the curves stored on the case rows.

    One GROUP BY over the cases, for a bulk loader that wrote the curves itself
    (registry.volume); ``renumber_surgeon`` keeps them in step case by case.
    """
    sums: dict[str, Any] = {"mis_cases": Count("*"), "site": Min("site_id")}
    for curve in CURVES:
        limits = curve.limits
        sums[f"{curve.key}_cases"] = Count(curve.key)
        sums[f"{curve.key}_h0_case"] = Min(
            "mis_case_number", filter=Q(**{f"{curve.key}__lte": limits.h0 + 1e-12})
        )
        sums[f"{curve.key}_h1_case"] = Min(
            "mis_case_number", filter=Q(**{f"{curve.key}__gte": limits.h1 - 1e-12})
        )
    rows = (
        CaseSummary.objects.filter(mis_case_number__isnull=False)
        .order_by()
        .values("surgeon_id")
        .annotate(**sums)
    )
    with transaction.atomic():
        LearningSummary.objects.all().delete()
        made = LearningSummary.objects.bulk_create(
            LearningSummary(surgeon_id=row.pop("surgeon_id"), site_id=row.pop("site"), **row)
            for row in rows
        )
    return len(made)


# Deferred refreshes (issue 13 item 7: the demo load). Each refresh_case
# renumbers the surgeon's whole learning curve, so a batch that signs or
# reads hundreds of records in a row (the demo) spent quadratic time
# renumbering. Inside ``summaries_deferred`` refresh_case only notes the
# episode; on leaving, each noted episode is rebuilt once and each surgeon
# concerned renumbered once: the same rows as one refresh_case per call.
# Per thread, so a request served meanwhile refreshes as usual.
_deferral = threading.local()


def _queued() -> set[int] | None:
    queued: set[int] | None = getattr(_deferral, "episode_ids", None)
    return queued


@contextmanager
def summaries_deferred(batch: int = BATCH) -> Iterator[set[int]]:
    """Hold every ``refresh_case`` of the block and rebuild those summaries once at its end.

    Yields the set of episode ids noted so far; a caller that rebuilds every
    row itself before the end (``refresh_all``) may clear it. Nested blocks
    leave the work to the outermost. The summaries are rebuilt even when
    the block fails: the actions that finished have committed their records.
    """
    outer = _queued()
    if outer is not None:
        yield outer
        return
    queued: set[int] = set()
    _deferral.episode_ids = queued
    try:
        yield queued
    finally:
        _deferral.episode_ids = None
        _refresh_noted(sorted(queued), batch)


def _refresh_noted(episode_ids: list[int], batch: int) -> None:
    """What one ``refresh_case`` per episode would leave, with one renumbering per surgeon."""
    surgeons: set[int] = set()
    cells: set[tallies.Cell] = set()
    for start in range(0, len(episode_ids), batch):
        chunk = episode_ids[start : start + batch]
        with transaction.atomic():
            before = CaseSummary.objects.filter(episode_id__in=chunk)
            surgeons.update(before.values_list("surgeon_id", flat=True))
            cells |= tallies.cells_of(before)
            episodes = Episode.objects.select_related("patient").in_bulk(chunk)
            records = OperativeRecord.objects.filter(
                episode_id__in=chunk, signed_at__isnull=False
            ).in_bulk(field_name="episode_id")
            rows = [
                CaseSummary(episode_id=pk, **summary_values(episodes[pk], records[pk]))
                for pk in chunk
                if pk in records
            ]
            before.delete()
            CaseSummary.objects.bulk_create(rows, batch_size=batch)
            surgeons.update(row.surgeon_id for row in rows)
            cells |= tallies.cells_of(CaseSummary.objects.filter(episode_id__in=chunk))
    with transaction.atomic():
        for surgeon_id in surgeons:  # each independent of the others
            renumber_surgeon(surgeon_id)
        tallies.rebuild_cells(cells)


def rebuild_tallies() -> None:
    """Recompute every dashboard tally (``registry.tallies``) from the case rows, the
    complications and the scores: after a bulk load (``registry.volume``) or ``refresh_all``."""
    with transaction.atomic():
        tallies.rebuild_cells(None)
