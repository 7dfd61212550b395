"""A small hand-built registry world with worked values (docs/dashboards.md).

Cases are written as the records would hold them (a plan, a signed operative
record, standing films with their readings) and summarised by
``registry.actions.refresh_case``, the same call the actions make.

Site 1, surgeon "alpha" (team A): ten MIS cases, January to October 2026.
The first eight have pre- and post-operative films whose HVA differences are
DOMAIN §17's worked example (42, 24, 55, 26, 26, 41, 48, 21: mean 35.4,
95 % CI 24.7 to 46.0); the last two have no post-operative film (excluded).
Surgeon "beta" (team B): three cases. Site 2, surgeon "gamma": two cases.

Complications (recorded through the complications action): alpha's case 2,
a superficial infection 20 days after the operation; alpha's case 1, a
recurrence 200 days after, reoperated 250 days after; beta's first case, a
nerve injury 10 days after.

Questionnaires (NRS pain, higher = worse, MCID 2): alpha's first eight cases
answered at baseline (7, 6, 8, 5, 7, 6, 9, 4: median 6.5, quartiles 5.75 and
7.25), the first six again at 6 months (2, 5, 3, 4, 1, 6: median 3.5,
quartiles 2.25 and 4.75; changes 5, 1, 5, 1, 6, 0, so 3 of 6 reached the MCID).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import count

from halluxpath.accounts.models import CareTeam, Role, User
from halluxpath.audit.context import Actor
from halluxpath.complications.actions import record_complication
from halluxpath.complications.schemas import NewComplicationInput
from halluxpath.core.complications import GradeSystem, Kind
from halluxpath.core.planning import Technique
from halluxpath.core.radiograph import TimePoint
from halluxpath.imaging.models import Measurement, Radiograph, SourceFormat
from halluxpath.outcomes.models import QuestionnaireResponse, ResponseStatus, Score
from halluxpath.outcomes.stored import ANSWERS
from halluxpath.patients.models import Episode, Patient
from halluxpath.registry.actions import refresh_case
from halluxpath.registry.models import CaseSummary
from halluxpath.sites.models import Site
from halluxpath.surgery import stored
from halluxpath.surgery.models import OperativeRecord, SurgicalPlan
from tests.conftest import first_site, make_site, make_team, make_user

HVA_DIFFERENCES = (42, 24, 55, 26, 26, 41, 48, 21)  # DOMAIN §17 worked example
POST_HVA = 10.0
IMA_DIFFERENCES = (8, 6, 7, 9, 5, 8, 7, 6)
POST_IMA = 6.0
# Alpha's operative times: over 60 min in cases 1, 3 and 4; fluoroscopy over 86 s in 1 and 3.
ALPHA_TIMES = (75, 50, 65, 70, 45, 40, 42, 38, 35, 30)
ALPHA_FLUORO = (120, 80, 90, 70, 60, 60, 50, 50, 45, 40)

_numbers = count(1)


@dataclass
class RegistryWorld:
    site1: Site
    site2: Site
    team_a: CareTeam
    alpha: User
    beta: User
    gamma: User
    nurse: User
    physio: User
    admin: User
    researcher: User
    patient_user: User
    admin2: User
    alpha_cases: list[Episode]


def _film(episode: Episode, time_point: str, on: dt.date, hva: float, ima: float) -> None:
    film = Radiograph.objects.create(
        episode=episode,
        time_point=time_point,
        acquired_on=on,
        source_format=SourceFormat.PNG,
        stored_file=f"radiographs/registry-{episode.pk}-{time_point}.png",
        display_file=f"radiographs/registry-{episode.pk}-{time_point}-display.png",
        sha256="0" * 64,
        width=1200,
        height=2000,
        deidentification={"removed": []},
        uploaded_by=episode.responsible_surgeon,
    )
    Measurement.objects.create(
        radiograph=film,
        observer=episode.responsible_surgeon,
        landmarks={},
        results={"hva_deg": hva, "ima_deg": ima},
    )


def operated_case(
    surgeon: User,
    team: CareTeam,
    operated_on: dt.date,
    *,
    pre: tuple[float, float] | None = (35.0, 14.0),
    post: tuple[float, float] | None = None,
    time_min: float | None = 45,
    fluoro_s: float | None = 60,
    implants: tuple[str, ...] = ("bevel_tip_screw", "bevel_tip_screw"),
    technique: str = Technique.MIS_DISTAL.value,
    signed: bool = True,
) -> Episode:
    number = next(_numbers)
    patient = Patient.objects.create(
        site=team.site,
        hospital_number=f"RG-{number:04d}",
        given_name="Reg",
        family_name=f"Case{number}",
        date_of_birth=dt.date(1965, 3, 1),
        sex="female",
    )
    episode = Episode.objects.create(
        patient=patient,
        side="right",
        diagnosis="Hallux valgus",
        responsible_surgeon=surgeon,
        care_team=team,
        status="operated",
        referred_on=operated_on - dt.timedelta(days=60),
    )
    SurgicalPlan.objects.create(
        episode=episode,
        inputs={},
        suggested={},
        technique=technique,
        target_ima_deg=7.0,
        decided_by=surgeon,
    )
    if pre is not None:
        _film(episode, TimePoint.PRE_OPERATIVE, operated_on - dt.timedelta(days=20), *pre)
    if post is not None:
        _film(episode, TimePoint.MONTHS_6, operated_on + dt.timedelta(days=180), *post)
    content = {
        "osteotomies": [
            {"bone": "m1", "level": "distal_metaphyseal", "type": "chevron", "instrument": "burr"}
        ],
        "incisions": [{"site": "medial_m1_neck", "length_mm": 3.0}],
        "implants": [
            {"bone": "m1", "kind": k, "diameter_mm": 3.5, "length_mm": 30} for k in implants
        ],
        "operative_time_min": time_min,
        "fluoro_time_s": fluoro_s,
    }
    OperativeRecord.objects.create(
        episode=episode,
        operated_on=operated_on,
        content=stored.OPERATIVE_RECORD.stamp(content),
        recorded_by=surgeon,
        signed_by=surgeon if signed else None,
        signed_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC) if signed else None,
    )
    refresh_case(episode.pk)
    return episode


def build() -> RegistryWorld:
    site1 = first_site()
    site2 = make_site("registry-two", "Second Hospital")
    team_a, team_b = make_team("Team A", site1), make_team("Team B", site1)
    team_c = make_team("Team C", site2)
    alpha = make_user("alpha", Role.SURGEON, team_a)
    beta = make_user("beta", Role.SURGEON, team_b)
    gamma = make_user("gamma", Role.SURGEON, team_c)
    world = RegistryWorld(
        site1=site1,
        site2=site2,
        team_a=team_a,
        alpha=alpha,
        beta=beta,
        gamma=gamma,
        nurse=make_user("nurse-r", Role.NURSE, team_a),
        physio=make_user("physio-r", Role.PHYSIOTHERAPIST, team_a),
        admin=make_user("admin-r", Role.ADMIN, site=site1),
        researcher=make_user("researcher-r", Role.RESEARCHER, site=site1),
        patient_user=make_user("patient-r", Role.PATIENT, site=site1),
        admin2=make_user("admin-two", Role.ADMIN, site=site2),
        alpha_cases=[],
    )
    for i in range(10):
        operated_on = dt.date(2026, 1 + i, 10)
        post = None
        if i < 8:
            post = (POST_HVA, POST_IMA)
        pre = (
            (POST_HVA + HVA_DIFFERENCES[i], POST_IMA + IMA_DIFFERENCES[i])
            if i < 8
            else (30.0, 13.0)
        )
        world.alpha_cases.append(
            operated_case(
                alpha,
                team_a,
                operated_on,
                pre=pre,
                post=post,
                time_min=ALPHA_TIMES[i],
                fluoro_s=ALPHA_FLUORO[i],
            )
        )
    for i in range(3):
        operated_case(beta, team_b, dt.date(2026, 2 + i, 3), implants=("k_wire",), pre=(25.0, 12.0))
    for i in range(2):
        operated_case(gamma, team_c, dt.date(2026, 3 + i, 5), pre=(45.0, 18.0))
    complicate(alpha, world.alpha_cases[1], Kind.INFECTION_SUPERFICIAL, 20)
    complicate(alpha, world.alpha_cases[0], Kind.RECURRENCE, 200, reoperated_after=250)
    beta_first = Episode.objects.filter(responsible_surgeon=beta).order_by("pk").first()
    assert beta_first is not None
    complicate(beta, beta_first, Kind.NERVE_INJURY, 10)
    for i, episode in enumerate(world.alpha_cases[:8]):
        answer(episode, "baseline", NRS_BASELINE[i])
        if i < len(NRS_6M):
            answer(episode, "6m", NRS_6M[i])
    assert CaseSummary.objects.count() == 15
    return world


NRS_BASELINE = (7, 6, 8, 5, 7, 6, 9, 4)
NRS_6M = (2, 5, 3, 4, 1, 6)


def complicate(
    surgeon: User,
    episode: Episode,
    kind: Kind,
    after_days: int,
    reoperated_after: int | None = None,
) -> None:
    operated_on = OperativeRecord.objects.get(episode=episode).operated_on
    record_complication(
        Actor(surgeon),
        episode.pk,
        NewComplicationInput(
            kind=kind,
            onset_on=operated_on + dt.timedelta(days=after_days),
            grade_system=GradeSystem.CLAVIEN_DINDO,
            grade="II" if reoperated_after is None else "IIIb",
            reoperation=reoperated_after is not None,
            reoperated_on=operated_on + dt.timedelta(days=reoperated_after)
            if reoperated_after is not None
            else None,
            reoperation_reason="Revision" if reoperated_after is not None else "",
        ),
    )


def answer(episode: Episode, time_point: str, pain: float) -> None:
    """A completed NRS pain response and its score, as the questionnaire actions will store them."""
    operated_on = OperativeRecord.objects.get(episode=episode).operated_on
    offset = {"baseline": -10, "6m": 182}[time_point]
    response = QuestionnaireResponse.objects.create(
        episode=episode,
        instrument="nrs_pain",
        instrument_version="1",
        time_point=time_point,
        status=ResponseStatus.COMPLETED,
        answers=ANSWERS.stamp({"answers": {"pain": pain}}),
        completed_on=operated_on + dt.timedelta(days=offset),
    )
    Score.objects.create(
        response=response,
        episode=episode,
        instrument="nrs_pain",
        domain="pain",
        time_point=time_point,
        value=pain,
    )
    refresh_case(episode.pk)
