"""The operated demo feet, and what one run of the demo keeps while it goes."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from halluxpath.accounts.models import Role, User
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.core.complications import GradeSystem
from halluxpath.patients.demo import TEAM_B
from halluxpath.patients.models import Episode

CDS_TEAMS = frozenset({TEAM_B})  # this team grades by Clavien-Dindo-Sink; the others by CD


@dataclass
class Foot:
    """One operated demo foot, with what the demo needs to know about it."""

    episode: Episode
    operated_on: dt.date
    surgeon: User
    nurse: User
    system: GradeSystem
    rng: random.Random  # seeded by the foot's stable name (``_key``)


@dataclass
class Run:
    """One run: its day, what it did (the report's counts), the moments to move back."""

    today: dt.date
    now: dt.datetime
    counts: dict[str, int] = field(default_factory=dict)
    # model -> pk -> field -> the moment the action's "now" is moved back to
    moments: dict[type[models.Model], dict[int, dict[str, dt.datetime]]] = field(
        default_factory=dict
    )

    def add(self, name: str, n: int = 1) -> None:
        if n:
            self.counts[name] = self.counts.get(name, 0) + n

    def at(self, day: dt.date, hour: int, not_before: dt.datetime | None = None) -> dt.datetime:
        """``hour`` o'clock on ``day``, never after now nor before ``not_before``."""
        moment = timezone.make_aware(dt.datetime.combine(min(day, self.today), dt.time(hour, 0)))
        moment = min(moment, self.now)
        return max(moment, not_before) if not_before is not None else moment

    def backdate(self, model: type[models.Model], pk: int, **moments: dt.datetime) -> None:
        self.moments.setdefault(model, {}).setdefault(pk, {}).update(moments)


def _key(seed: int, episode: Episode) -> str:
    """A foot's stable name for the draws: the same foot draws the same in any database."""
    return f"{seed}:{episode.patient.hospital_number}:{episode.side}:{episode.referred_on}"


def feet_in_order(seed: int, today: dt.date) -> list[Foot]:
    """The demo's operated feet, in a seeded order (the first that fit get the complications)."""
    episodes = (
        Episode.objects.filter(
            patient__hospital_number__startswith="DEMO",
            operative_record__signed_at__isnull=False,
            operative_record__operated_on__lte=today,
        )
        .select_related("patient", "operative_record", "responsible_surgeon", "care_team")
        .prefetch_related("care_team__members")
    )
    feet = []
    for episode in episodes:
        nurse = next(
            (m for m in episode.care_team.members.all() if m.role == Role.NURSE),
            episode.responsible_surgeon,
        )
        system = (
            GradeSystem.CDS_MODIFIED
            if episode.care_team.name in CDS_TEAMS
            else GradeSystem.CLAVIEN_DINDO
        )
        key = _key(seed, episode)
        feet.append(
            Foot(
                episode,
                episode.operative_record.operated_on,
                episode.responsible_surgeon,
                nurse,
                system,
                random.Random(key),  # noqa: S311  (demo data)
            )
        )
    feet.sort(key=lambda f: hashlib.sha256(_key(seed, f.episode).encode()).digest())
    return feet


def skipped(run: Run, foot: Foot, refusal: ValidationError) -> None:
    """A refusal the demo did not foresee: logged with its reason; the demo goes on."""
    run.add("skipped")
    record(
        Actor(user=None),
        "create",
        object_type="demo_complication_skipped",
        object_id=foot.episode.pk,
        detail={"reason": "; ".join(refusal.messages)},
    )


def move_moments_back(run: Run) -> None:
    """The actions' "now" moved back to the day each describes, one query per model."""
    for model, rows in run.moments.items():
        names = sorted({name for moments in rows.values() for name in moments})
        objects = []
        for pk, moments in rows.items():
            row = model(pk=pk)
            for name, moment in moments.items():
                setattr(row, name, moment)
            objects.append(row)
        for name in names:
            with_name = [o for o, m in zip(objects, rows.values(), strict=True) if name in m]
            model._default_manager.bulk_update(with_name, [name])
