"""Synthetic films for the demo cohort, put through the real upload pipeline.

Every episode that has been assessed gets a pre-operative film; operated
episodes also get a 6-week film showing the correction and the osteotomy.
The responsible surgeon's landmarks are saved on each; on a share of the
films a second surgeon measures too, with realistic reading differences, so
the agreement report has data. Idempotent: episodes that already have films
are left alone.
"""

from __future__ import annotations

import random
import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

from halluxpath.accounts.models import CareTeam, Role, User
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.core.landmarks import landmarks_from_document
from halluxpath.core.radiograph import measure
from halluxpath.imaging.actions import stored_radiograph
from halluxpath.imaging.ingest import ingest
from halluxpath.imaging.models import Measurement, Radiograph
from halluxpath.imaging.synthetic import FootGeometry, render, write_dicom
from halluxpath.patients.demo import reached
from halluxpath.patients.models import Episode, Status

# Small films keep the demo quick to load and small on disk (about 160 kB a
# film, JPEG-compressed DICOM plus the display PNG): a foot at 0.3125 mm/pixel.
FILM_SIZE = (480, 624)  # columns, rows
FILM_SPACING_MM = (0.3125, 0.3125)
FILM_NOISE = 0.008
SECOND_OBSERVER_SHARE = 0.3
ASSESSED_OR_LATER = [
    Status.ASSESSED,
    Status.PLANNED,
    Status.OPERATED,
    Status.FOLLOW_UP,
    Status.DISCHARGED,
]
OPERATED_OR_LATER = [Status.OPERATED, Status.FOLLOW_UP, Status.DISCHARGED]


@dataclass(frozen=True)
class FilmPlan:
    time_point: str
    geometry: FootGeometry
    taken: date


def _plans(episode: Episode, rng: random.Random, today: date) -> list[FilmPlan]:
    """A pre-operative film before the assessment; a 6-week film once 6 weeks have passed.

    Films are dated where they belong in the episode's history: never after
    the day they would have been looked at (a pre-operative film before the
    assessment, a post-operative one at about 6 weeks, DOMAIN §11.1), never
    in the future.
    """
    days = reached(episode)
    assessed = days.get(Status.ASSESSED, episode.referred_on + timedelta(days=21))
    before = max((assessed - episode.referred_on).days, 0)
    hva = rng.uniform(18, 42)
    ima = rng.uniform(9, 18)
    pre = FootGeometry(
        hva_deg=hva,
        ima_deg=ima,
        hvia_deg=rng.uniform(4, 14),
        dmaa_deg=rng.uniform(4, 16),
        sesamoid_fraction=rng.uniform(0.45, 0.95),
        side=episode.side,
        width=FILM_SIZE[0],
        height=FILM_SIZE[1],
        pixel_spacing_mm=FILM_SPACING_MM,
        seed=rng.randrange(10**6),
        noise=FILM_NOISE,
    )
    plans = [FilmPlan("pre_op", pre, episode.referred_on + timedelta(days=rng.randint(0, before)))]
    operated = days.get(Status.OPERATED)
    six_weeks = operated + timedelta(days=rng.randint(40, 48)) if operated else None
    if episode.status in OPERATED_OR_LATER and six_weeks and six_weeks <= today:
        post = FootGeometry(
            hva_deg=rng.uniform(3, 16),
            ima_deg=rng.uniform(3, 8),
            hvia_deg=rng.uniform(1, 6),
            dmaa_deg=rng.uniform(2, 9),
            sesamoid_fraction=rng.uniform(0.1, 0.5),
            side=episode.side,
            width=FILM_SIZE[0],
            height=FILM_SIZE[1],
            pixel_spacing_mm=FILM_SPACING_MM,
            seed=rng.randrange(10**6),
            translation_pct=rng.uniform(40, 90),
            noise=FILM_NOISE,
        )
        plans.append(FilmPlan("6w", post, six_weeks))
    return plans


def _jittered(document: dict[str, Any], rng: random.Random, pixels: float) -> dict[str, Any]:
    points = {
        name: [round(x + rng.gauss(0, pixels), 1), round(y + rng.gauss(0, pixels), 1)]
        for name, (x, y) in document["points"].items()
    }
    return {**document, "points": points}


def _save_measurement(radiograph: Radiograph, observer: User, document: dict[str, Any]) -> None:
    landmarks = landmarks_from_document(document)
    Measurement.objects.create(
        radiograph=radiograph,
        observer=observer,
        landmarks=landmarks.to_document(),
        results=measure(landmarks).to_json(),
    )


def _colleagues() -> dict[int, dict[int, User]]:
    """For each care team and surgeon, another surgeon of the same team, if any."""
    result: dict[int, dict[int, User]] = {}
    for team in CareTeam.objects.prefetch_related("members"):
        surgeons = sorted(
            (m for m in team.members.all() if m.role == Role.SURGEON), key=lambda u: u.username
        )
        result[team.pk] = {s.pk: o for s in surgeons for o in surgeons if o.pk != s.pk}
    return result


def load_demo_films(seed: int = 2026, today: date | None = None) -> int:
    """Add films to demo episodes that have none; return how many were added."""
    today = today or timezone.localdate()
    colleagues = _colleagues()
    episodes = (
        Episode.objects.filter(
            status__in=ASSESSED_OR_LATER,
            patient__hospital_number__startswith="DEMO",
            radiographs__isnull=True,
        )
        .select_related("patient", "responsible_surgeon")
        .prefetch_related("status_changes")
        .order_by("pk")
    )
    added = 0
    with tempfile.TemporaryDirectory(prefix="halluxpath-demo-") as scratch:
        for episode in episodes:
            episode_rng = random.Random(seed * 1_000_003 + episode.pk)
            for plan in _plans(episode, episode_rng, today):
                film = render(plan.geometry)
                path = Path(scratch) / "film.dcm"
                write_dicom(
                    film,
                    path,
                    transfer_syntax="jpeg_baseline",
                    patient_name=f"DEMO^{episode.patient.hospital_number}",
                    patient_id=episode.patient.hospital_number,
                    acquired_on=plan.taken,
                )
                with path.open("rb") as handle:
                    image = ingest(handle, path.stat().st_size)
                taken = plan.taken
                with stored_radiograph(
                    episode,
                    image,
                    time_point=plan.time_point,
                    acquired_on=taken,
                    weight_bearing=True,
                    uploaded_by=episode.responsible_surgeon,
                ) as radiograph:
                    _save_measurement(
                        radiograph,
                        episode.responsible_surgeon,
                        _jittered(film.landmarks, episode_rng, 0.6),
                    )
                    colleague = colleagues.get(episode.care_team_id, {}).get(
                        episode.responsible_surgeon_id
                    )
                    if colleague and episode_rng.random() < SECOND_OBSERVER_SHARE:
                        _save_measurement(
                            radiograph, colleague, _jittered(film.landmarks, episode_rng, 1.2)
                        )
                added += 1
    if added:
        record(Actor(user=None), "create", object_type="demo_films", detail={"films": added})
    return added
