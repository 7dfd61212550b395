"""Operated episodes full of identifiers, for the research export tests.

Every identifying value here is distinctive (``IDENTIFIERS``), so a test can
scan every cell of every exported file for each one: names, hospital numbers,
an NHS number written into a note, dates of birth, e-mail, phone, typed notes,
implant lot numbers, the surgeon's and the site's names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pytest_django import Settings

from halluxpath.accounts.models import Role, User
from halluxpath.complications.models import Complication
from halluxpath.core.landmarks import landmarks_from_document
from halluxpath.core.radiograph import TimePoint, measure
from halluxpath.imaging.models import Measurement, Radiograph, SourceFormat
from halluxpath.outcomes import stored as outcomes_stored
from halluxpath.outcomes.models import QuestionnaireResponse, Score
from halluxpath.patients.models import Episode, Patient
from halluxpath.sites.models import Site
from halluxpath.surgery import stored
from halluxpath.surgery.models import OperativeRecord, PreoperativeAssessment, SurgicalPlan
from tests.conftest import first_site, make_site, make_team, make_user
from tests.imaging.access_samples import LANDMARKS

SITE_NAME = "Quillingham Foot Clinic"
SURGEON_FIRST, SURGEON_LAST = "Thaddeus", "Wolverstone"
OPERATED_ON = dt.date(2025, 6, 16)


@dataclass(frozen=True)
class Person:
    hospital_number: str
    given: str
    family: str
    born_on: dt.date
    email: str
    phone: str
    lot: str
    note: str  # typed free text on the operative record


PEOPLE = (
    Person(
        "HX-98765",
        "Zebedee",
        "Quixotic",
        dt.date(1931, 2, 3),  # 94 at the operation: "90+"
        "zebedee.quixotic@example.org",
        "07700 900123",
        "LOT-ZQ-4471",
        "Zebedee asked about NHS 943 476 5919 at the bedside",
    ),
    Person(
        "HX-12321",
        "Philippa",
        "Marchbanks",
        dt.date(1968, 9, 30),  # 56: "55-59"
        "p.marchbanks@example.net",
        "+44 20 7946 0018",
        "LOT-PM-9902",
        "Phoned her daughter Imelda after theatre",
    ),
)


def identifiers(people: tuple[Person, ...] = PEOPLE) -> list[str]:
    """Every identifying string the export must never contain."""
    found = [SITE_NAME, SURGEON_FIRST, SURGEON_LAST, "943 476 5919", "9434765919", "Imelda"]
    for p in people:
        found += [
            p.hospital_number,
            p.given,
            p.family,
            p.born_on.isoformat(),
            p.born_on.strftime("%d/%m/%Y"),
            p.email,
            p.phone,
            p.lot,
            p.note,
            f"Allergic to {p.family}-cillin",
            f"Anticoagulant for {p.given}",
            f"Diagnosis noted by {p.family}",
            f"Converted because {p.given} moved",
            f"Plan notes for {p.family}",
            f"Wound of {p.given} oozing",
            f"Flucloxacillin for {p.family}",
            f"{p.family} fell in the garden",
            f"Mistaken entry about {p.given}",
        ]
    return found


@dataclass
class ResearchSite:
    site: Site
    other_site: Site
    surgeon: User
    researcher: User
    admin: User
    nurse: User
    other_site_surgeon: User
    other_site_researcher: User
    episodes: list[Episode]


def _film(episode: Episode, time_point: str, on: dt.date, results: dict[str, Any]) -> Measurement:
    film = Radiograph.objects.create(
        episode=episode,
        time_point=time_point,
        acquired_on=on,
        source_format=SourceFormat.PNG,
        stored_file=f"radiographs/r-{episode.pk}-{time_point}.png",
        display_file=f"radiographs/r-{episode.pk}-{time_point}-display.png",
        sha256="0" * 64,
        width=1200,
        height=2000,
        deidentification={"removed": []},
        uploaded_by=episode.responsible_surgeon,
    )
    landmarks = landmarks_from_document(LANDMARKS)
    return Measurement.objects.create(
        radiograph=film,
        observer=episode.responsible_surgeon,
        landmarks=landmarks.to_document(),
        results=results,
    )


def operated_episode(person: Person, surgeon: User, team: Any, side: str = "right") -> Episode:
    patient = Patient.objects.create(
        site=team.site,
        hospital_number=person.hospital_number,
        given_name=person.given,
        family_name=person.family,
        date_of_birth=person.born_on,
        sex="female",
        phone=person.phone,
        email=person.email,
    )
    episode = Episode.objects.create(
        patient=patient,
        side=side,
        diagnosis=f"Diagnosis noted by {person.family}",
        responsible_surgeon=surgeon,
        care_team=team,
        status="follow_up",
        referred_on=OPERATED_ON - dt.timedelta(days=100),
    )
    PreoperativeAssessment.objects.create(
        episode=episode,
        smoking="ex",
        bmi=31.2,
        allergies=f"Allergic to {person.family}-cillin",
        anticoagulant=f"Anticoagulant for {person.given}",
        recorded_by=surgeon,
    )
    pre = _film(
        episode,
        TimePoint.PRE_OPERATIVE,
        OPERATED_ON - dt.timedelta(days=30),
        measure(landmarks_from_document(LANDMARKS)).to_json(),
    )
    SurgicalPlan.objects.create(
        episode=episode,
        inputs={},
        suggested={},
        technique="mis_distal_metatarsal_osteotomy",
        akin=True,
        target_ima_deg=7.0,
        notes=f"Plan notes for {person.family}",
        decided_by=surgeon,
        measurement=pre,
    )
    content = {
        "anaesthesia_primary": "ankle_block",
        "sedation": "minimal",
        "tourniquet": True,
        "tourniquet_minutes": 35.0,
        "lateral_release": "none",
        "rotation": f"rotated as {person.given} wished",
        "notes": person.note,
        "conversion_to_open": True,
        "conversion_reason": f"Converted because {person.given} moved",
        "operative_time_min": 48.0,
        "fluoro_shots": 60,
        "fluoro_time_s": 41.5,
        "intraop_events": ["burn"],
        "osteotomies": [
            {"bone": "m1", "level": "distal_metaphyseal", "type": "chevron", "instrument": "burr"},
            {"bone": "p1", "level": "proximal", "type": "closing_wedge_akin", "instrument": "burr"},
        ],
        "incisions": [{"site": "medial_m1_neck", "length_mm": 4.0}],
        "implants": [
            {
                "bone": "m1",
                "kind": "cannulated_screw",
                "diameter_mm": 3.5,
                "length_mm": 40.0,
                "manufacturer": "Acme Orthopaedics",
                "lot": person.lot,
            }
        ],
        "mis_all_within_5mm": True,
        "incisions_over_5mm": [],
    }
    OperativeRecord.objects.create(
        episode=episode,
        operated_on=OPERATED_ON,
        content=stored.OPERATIVE_RECORD.stamp(content),
        recorded_by=surgeon,
    )
    _film(
        episode,
        TimePoint.MONTHS_6,
        OPERATED_ON + dt.timedelta(days=183),
        {"hva_deg": 12.5, "ima_deg": 6.1, "severity": "normal", "sesamoid_position": 2},
    )
    response = QuestionnaireResponse.objects.create(
        episode=episode,
        instrument="nrs_pain",
        instrument_version="1",
        time_point="6m",
        status="completed",
        answers=outcomes_stored.ANSWERS.stamp({"answers": {"pain": 2}}),
        completed_on=OPERATED_ON + dt.timedelta(days=180),
        entered_by=surgeon,
        on_paper=True,
    )
    Score.objects.create(
        response=response,
        episode=episode,
        instrument="nrs_pain",
        domain="score",
        time_point="6m",
        value=2.0,
    )
    unfinished = QuestionnaireResponse.objects.create(
        episode=episode,
        instrument="nrs_pain",
        instrument_version="1",
        time_point="12m",
        answers=outcomes_stored.ANSWERS.stamp({"answers": {}}),
    )
    assert unfinished.status == "in_progress"
    Complication.objects.create(
        episode=episode,
        kind="infection_superficial",
        description=f"Wound of {person.given} oozing",
        onset_on=OPERATED_ON + dt.timedelta(days=12),
        grade_system="clavien_dindo",
        grade="II",
        treatment=f"Flucloxacillin for {person.family}",
        reoperation=True,
        reoperated_on=OPERATED_ON + dt.timedelta(days=20),
        reoperation_reason=f"{person.family} fell in the garden",
        implant_removed=True,
        resolved_on=OPERATED_ON + dt.timedelta(days=40),
        recorded_by=surgeon,
    )
    Complication.objects.create(
        episode=episode,
        kind="crps",
        description=f"Mistaken entry about {person.given}",
        onset_on=OPERATED_ON + dt.timedelta(days=5),
        grade_system="clavien_dindo",
        grade="I",
        recorded_by=surgeon,
        entered_in_error=True,
    )
    return episode


@pytest.fixture
def research_site(db: None, settings: Settings, tmp_path: Path) -> ResearchSite:
    settings.MEDIA_ROOT = tmp_path / "media"
    site = first_site()
    Site.objects.filter(pk=site.pk).update(name=SITE_NAME)
    site.refresh_from_db()
    team = make_team("Research team", site)
    surgeon = make_user("r-surgeon", Role.SURGEON, team)
    User.objects.filter(pk=surgeon.pk).update(first_name=SURGEON_FIRST, last_name=SURGEON_LAST)
    surgeon.refresh_from_db()
    other = make_site("elsewhere", "Elsewhere Hospital")
    other_team = make_team("Elsewhere team", other)
    episodes = [operated_episode(person, surgeon, team) for person in PEOPLE]
    # Not operated: never in a research dataset.
    Episode.objects.create(
        patient=episodes[0].patient,
        side="left",
        diagnosis="Hallux valgus",
        responsible_surgeon=surgeon,
        care_team=team,
        referred_on=OPERATED_ON,
    )
    return ResearchSite(
        site=site,
        other_site=other,
        surgeon=surgeon,
        researcher=make_user("r-researcher", Role.RESEARCHER, site=site),
        admin=make_user("r-admin", Role.ADMIN, site=site),
        nurse=make_user("r-nurse", Role.NURSE, team),
        other_site_surgeon=make_user("r-surgeon-elsewhere", Role.SURGEON, other_team),
        other_site_researcher=make_user("r-researcher-elsewhere", Role.RESEARCHER, site=other),
        episodes=episodes,
    )
