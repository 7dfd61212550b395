"""Questionnaires for the demo cohort (``halluxpath load_demo``), made through the real actions.

So that a newcomer sees completion pages, the "to call" list and the
dashboards' questionnaire trajectories filled (issue 13 item 7):

- each demo site loads a MOXFQ and an EQ-5D-5L definition file through the
  real load action (``load_instrument``). The files are in ``demo_files/``:
  their wording, and the EQ-5D-5L value set, are **invented** and labelled so;
  they are not the licensed questionnaires, which this repository never
  holds (DOMAIN §13);
- each demo episode with an operation date (recorded, or booked for today's
  theatre list) gets answers at each time point of its site's schedule whose
  window has opened: the patient's own answers in the portal
  (``save_answers``, dated the day they answered), or a paper form typed in
  by a nurse (``enter_paper_response``).

What the answers look like (the shape of published MIS bunion series, DOMAIN
§13-14, not a model of any one): MOXFQ-Index about 55 before the operation,
about 25 at 6 months and 20 at 12 months, with spread and the three domains
consistent with it (the items are drawn from each domain's level, the
scores are the real scoring's); NRS pain about 6 before and 2 after; most
patients very or fairly pleased; days back to driving, work, normal shoes
and sport in the ranges such series report. Completion falls over time
(of the windows that have closed: baseline about 80 %, 6 months 65 %, 12
months 55 %, 24 months 45 %; a window still open shows less, as some
patients have not answered yet), better than the UK registry figures of
DOMAIN §14, which the dashboards show beside it; a patient who missed one
time point is more likely to miss the next.
About one patient in five has no portal account: their forms, when they
fill one in, are entered from paper. A few questionnaires are left half way
in an open window (the portal offers "carry on"), a few have too many
unanswered items to score (shown as "not scorable"), and patients who have
not answered three weeks after a window opened are on the "to call" list.

Deterministic: every draw comes from a generator seeded by ``seed`` and the
patient's hospital number and side. Idempotent: an episode that already has
a questionnaire response is left alone, and loading the same file twice
changes nothing. Runs after the surgical records and the aftercare plans
(day 0 is the operation) and the check-ins (their portal accounts are
reused).

The demo cohort's operations go back about 15 months, so no 24-month window
has opened yet in it; the rates above apply as soon as one does.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db.models import Q
from django.utils import timezone

from halluxpath.accounts.models import Role, User
from halluxpath.audit.context import Actor
from halluxpath.core.instruments import EQ5D5L_DIMENSIONS, Instrument
from halluxpath.core.schedule import Schedule, TimePointKey, Window
from halluxpath.outcomes.actions import enter_paper_forms, load_instrument, save_answers
from halluxpath.outcomes.models import (
    LoadedInstrument,
    QuestionnaireResponse,
    ResponseStatus,
    Score,
)
from halluxpath.outcomes.questionnaires import instruments_of, schedule_of, with_day_zero
from halluxpath.outcomes.schemas import Answer, AnswerSets, InstrumentFile, PaperForms
from halluxpath.patients.demo import DEMO_ACCOUNTS
from halluxpath.patients.models import Episode, Patient

DEMO_FILES = Path(__file__).with_name("demo_files")
DEFINITION_FILES = ("moxfq.json", "eq5d5l.json")
VALUE_SET_FILE = "eq5d5l-value-set.csv"  # invented; loaded with eq5d5l.json

# Share of the episodes whose window has opened that complete each time point.
COMPLETION = {"baseline": 0.80, "6w": 0.70, "6m": 0.65, "12m": 0.55, "24m": 0.45}
PORTAL_SHARE = 0.8  # patients with a portal account; the others answer on paper
PAPER_SHARE = 0.1  # of a portal patient's time points, filled in on paper at a visit
IN_PROGRESS_SHARE = 0.35  # of the patients not (yet) done in an open window: started
PARTLY_DONE_SHARE = 0.05  # of the completed time points: the last questionnaire left half way
NOT_SCORABLE_SHARE = 0.04  # of the MOXFQ and EQ-5D-5L forms: too many items left out
ONE_LEFT_OUT_SHARE = 0.06  # of the MOXFQ forms: one item left out (still scored, prorated)
# MOXFQ-Index (0-100, higher worse) at each time point for a typical patient
# (DOMAIN §13: about 55 before; most of the gain by 6 months).
MOXFQ_INDEX = {"baseline": 55.0, "6w": 40.0, "6m": 25.0, "12m": 20.0, "24m": 19.0}
# Each domain's level beside the index (7, 5 and 4 items: the weights cancel out).
DOMAIN_OFFSET = {"walking_standing": 2.0, "pain": 6.0, "social": -10.0}
# Answering days after the window opens: a message at opening, 7 and 14 days.
ANSWER_DELAY_DAYS = ((0.55, 0, 6), (0.30, 7, 13), (0.15, 14, 28))


@dataclass(frozen=True)
class DemoQuestionnaires:
    files_loaded: int  # definition files newly loaded (every demo site's)
    episodes: int  # episodes given questionnaires by this run
    completed: int
    on_paper: int  # of the completed
    in_progress: int
    not_scorable: int  # completed forms with a domain not scored
    portal_accounts: int  # portal accounts made for patients who answer online


def _read(name: str) -> str:
    return (DEMO_FILES / name).read_text(encoding="utf-8")


def load_demo_files() -> int:
    """Load the demo MOXFQ and EQ-5D-5L files at each demo site, as its administrator."""
    before = LoadedInstrument.objects.count()
    admins = [a.username for a in DEMO_ACCOUNTS if a.role == Role.ADMIN]
    for admin in User.objects.filter(username__in=admins, role=Role.ADMIN).order_by("pk"):
        for name in DEFINITION_FILES:
            value_set = _read(VALUE_SET_FILE) if name.startswith("eq5d5l") else ""
            load_instrument(
                Actor(admin), InstrumentFile(definition_text=_read(name), value_set_text=value_set)
            )
    return LoadedInstrument.objects.count() - before


@dataclass
class DemoPerson:
    """What one demo episode's patient is like: drawn once, used at every time point."""

    engagement: float  # below a time point's completion share: they complete it
    paper_only: bool  # no portal account
    outcome: float  # z: above 0 a slower, poorer recovery
    baseline_index: float

    def index_at(self, time_point: str, rng: random.Random) -> float:
        if time_point == TimePointKey.BASELINE:
            level = self.baseline_index
        else:
            level = (
                MOXFQ_INDEX[time_point]
                + 0.3 * (self.baseline_index - MOXFQ_INDEX["baseline"])
                + 13 * self.outcome
                + rng.gauss(0, 5)
            )
        return min(100.0, max(0.0, level))


def _draw_patient(rng: random.Random, has_account: bool) -> DemoPerson:
    return DemoPerson(
        engagement=rng.random(),
        paper_only=not has_account and rng.random() >= PORTAL_SHARE,
        outcome=rng.gauss(0, 1),
        baseline_index=min(95.0, max(15.0, rng.gauss(MOXFQ_INDEX["baseline"], 14))),
    )


def _clamp(value: float, low: int, high: int) -> int:
    return int(min(high, max(low, round(value))))


def _moxfq(instrument: Instrument, index: float, rng: random.Random) -> dict[str, Answer]:
    """Items drawn around each domain's level (0-4 is 0-100 in steps of 25)."""
    levels = {d: index + offset + rng.gauss(0, 6) for d, offset in DOMAIN_OFFSET.items()}
    answers: dict[str, Answer] = {
        item.key: float(_clamp(4 * levels[item.domain] / 100 + rng.gauss(0, 0.55), 0, 4))
        for item in instrument.items
    }
    roll = rng.random()
    if roll < NOT_SCORABLE_SHARE:  # two left out in two domains: neither nor the index scored
        keys = [i.key for i in instrument.items if i.domain in ("walking_standing", "pain")]
        for key in rng.sample(keys[:7], 2) + rng.sample(keys[7:], 2):
            answers[key] = None
    elif roll < NOT_SCORABLE_SHARE + ONE_LEFT_OUT_SHARE:
        answers[rng.choice(list(answers))] = None
    return answers


def _eq5d(index: float, rng: random.Random) -> dict[str, Answer]:
    """A profile in the demo value set (levels 1-3, pain 1-4) and the EQ VAS."""
    severity = index / 100
    highest = {"pain_discomfort": 4, "self_care": 3, "anxiety_depression": 3}
    weight = {
        "mobility": 3.0,
        "self_care": 1.0,
        "usual_activities": 2.8,
        "pain_discomfort": 3.8,
        "anxiety_depression": 1.2,
    }
    answers: dict[str, Answer] = {
        d: float(_clamp(1 + weight[d] * severity + rng.gauss(0, 0.45), 1, highest.get(d, 3)))
        for d in EQ5D5L_DIMENSIONS
    }
    answers["vas"] = float(_clamp(95 - 0.45 * index + rng.gauss(0, 8), 0, 100))
    if rng.random() < NOT_SCORABLE_SHARE:  # a dimension left out: no index (VAS still)
        answers[rng.choice(EQ5D5L_DIMENSIONS)] = None
    return answers


def _nrs(index: float, rng: random.Random) -> dict[str, Answer]:
    pain_level = index + DOMAIN_OFFSET["pain"]  # the MOXFQ pain domain's level
    return {"pain": float(_clamp((pain_level - 10) / 8 + rng.gauss(0, 0.9), 0, 10))}


def _satisfaction(index: float, rng: random.Random) -> dict[str, Answer]:
    felt = index + rng.gauss(0, 8)
    level = 1 if felt < 25 else 2 if felt < 42 else 3 if felt < 60 else 4
    return {"satisfaction": float(level)}


def _return_to_activity(
    person: DemoPerson, days_since_operation: int, rng: random.Random
) -> dict[str, Answer]:
    """Days back to each activity (None: not yet, or not done), and back to usual."""
    slower = person.outcome

    def days(mean: float, sd: float, low: int, none_share: float = 0.0) -> Answer:
        if rng.random() < none_share:
            return None
        value = _clamp(rng.gauss(mean, sd) + sd / 2 * slower, low, 365)
        return float(value) if value <= days_since_operation else None

    usual = 1 if slower < 0.8 else 2 if slower < 1.6 else 3
    return {
        "drive_days": days(42, 10, 14, none_share=0.08),
        "work_days": days(35, 14, 5, none_share=0.15),  # retired or not working
        "shoes_days": days(56, 14, 21),
        "sport_days": days(84, 21, 35, none_share=0.25 if usual == 1 else 0.6),
        "usual": float(usual),
    }


def _answers(
    key: str,
    instrument: Instrument,
    person: DemoPerson,
    time_point: str,
    index: float,
    days_since_operation: int,
    rng: random.Random,
) -> dict[str, Answer]:
    if key == "moxfq":
        return _moxfq(instrument, index, rng)
    if key == "eq5d5l":
        return _eq5d(index, rng)
    if key == "nrs_pain":
        return _nrs(index, rng)
    if key == "satisfaction":
        return _satisfaction(index, rng)
    if key == "return_to_activity":
        return _return_to_activity(person, days_since_operation, rng)
    return {}  # an instrument the demo does not answer (a site's own choice)


def _half(answers: dict[str, Answer]) -> dict[str, Answer]:
    """The first half of a questionnaire's answers: where a patient stopped."""
    return dict(list(answers.items())[: max(1, len(answers) // 2)])


def _answered_on(window: Window, rng: random.Random) -> dt.date:
    roll, start = rng.random(), 0.0
    for share, first, last in ANSWER_DELAY_DAYS:
        start += share
        if roll < start:
            return window.opens_on + dt.timedelta(days=rng.randint(first, last))
    return window.opens_on


def _portal_accounts(patients: Iterable[Patient], wanted: set[int]) -> dict[int, User]:
    """Portal accounts for the patients in ``wanted`` without one (as if they had accepted).

    Named as the check-in demo names them (aftercare.demo), so both reuse them.
    """
    made: dict[int, User] = {}
    for patient in patients:
        if patient.pk not in wanted or patient.user_id is not None:
            continue
        account = User(
            username=f"portal-{patient.hospital_number.lower()}",
            role=Role.PATIENT,
            site_id=patient.site_id,
            first_name=patient.given_name,
            last_name=patient.family_name,
        )
        account.set_unusable_password()
        made[patient.pk] = account
    taken = set(
        User.objects.filter(username__in=[a.username for a in made.values()]).values_list(
            "username", flat=True
        )
    )
    made = {pk: a for pk, a in made.items() if a.username not in taken}
    User.objects.bulk_create(made.values())
    for pk, account in made.items():
        Patient.objects.filter(pk=pk, user__isnull=True).update(user=account)
    return made


@dataclass
class _Tally:
    episodes: int = 0
    completed: int = 0
    on_paper: int = 0
    in_progress: int = 0


def load_demo_questionnaires(*, seed: int, today: dt.date | None = None) -> DemoQuestionnaires:
    """Load the demo files at each demo site, then answer the demo episodes' questionnaires.

    ``today`` is the last day answered (the sites' today unless given);
    nothing is dated after it.
    """
    today = today or timezone.localdate()
    files_loaded = load_demo_files()
    episodes = list(
        with_day_zero(
            Episode.objects.filter(patient__hospital_number__startswith="DEMO").exclude(
                questionnaire_responses__isnull=False
            )
        )
        .filter(Q(day_zero__isnull=False), Q(day_zero__lte=today + dt.timedelta(days=90)))
        .select_related("patient", "responsible_surgeon")
        .prefetch_related("care_team__members")
        .order_by("pk")
    )
    people = {
        e.pk: _draw_patient(
            random.Random(f"{seed}:{e.patient.hospital_number}:{e.side}"),  # noqa: S311 (demo)
            e.patient.user_id is not None,
        )
        for e in episodes
    }
    online = {e.patient_id for e in episodes if not people[e.pk].paper_only}
    accounts = _portal_accounts([e.patient for e in episodes], online)
    for episode in episodes:
        if episode.patient_id in accounts:
            episode.patient.user = accounts[episode.patient_id]
    tally = _Tally()
    schedules: dict[int, tuple[Schedule, dict[str, Instrument]]] = {}
    started: list[tuple[int, dt.date]] = []  # response, the day it was answered
    for episode in episodes:
        site_id = episode.patient.site_id
        if site_id not in schedules:
            found = instruments_of(site_id)
            schedules[site_id] = (schedule_of(site_id, found), found)
        schedule, instruments = schedules[site_id]
        rng = random.Random(f"{seed}:answers:{episode.patient.hospital_number}:{episode.side}")  # noqa: S311
        if _answer_episode(
            episode, people[episode.pk], schedule, instruments, today, rng, tally, started
        ):
            tally.episodes += 1
    _date_back(started)
    not_scorable = (
        Score.objects.filter(response_id__in=[pk for pk, _ in started], value__isnull=True)
        .values("response_id")
        .distinct()
        .count()
    )
    return DemoQuestionnaires(
        files_loaded=files_loaded,
        episodes=tally.episodes,
        completed=tally.completed,
        on_paper=tally.on_paper,
        in_progress=tally.in_progress,
        not_scorable=not_scorable,
        portal_accounts=len(accounts),
    )


def _nurse(episode: Episode) -> User:
    return next(
        (m for m in episode.care_team.members.all() if m.role == Role.NURSE),
        episode.responsible_surgeon,
    )


def _answer_episode(
    episode: Episode,
    person: DemoPerson,
    schedule: Schedule,
    instruments: dict[str, Instrument],
    today: dt.date,
    rng: random.Random,
    tally: _Tally,
    started: list[tuple[int, dt.date]],
) -> bool:
    operated_on: dt.date = episode.day_zero  # type: ignore[attr-defined]
    patient_account = episode.patient.user
    answered_any = False
    for point in schedule.time_points:
        window = schedule.window(point.key, operated_on)
        if window is None or window.opens_on > today or not point.instruments:
            continue
        # Monotone attrition with a little noise: who misses one tends to miss the next.
        completes = person.engagement + rng.gauss(0, 0.08) < COMPLETION.get(point.key, 0.5)
        on = min(_answered_on(window, rng), window.closes_on)
        paper = person.paper_only or rng.random() < PAPER_SHARE
        if paper and on > today:
            continue  # the paper form comes back later
        index = person.index_at(point.key, rng)
        days_since = (on - operated_on).days
        if not completes or on > today:
            # Not answered (yet); in an open window some have started online.
            if (
                patient_account is not None
                and not paper
                and window.is_open(today)
                and (today - window.opens_on).days >= 2
                and rng.random() < IN_PROGRESS_SHARE
            ):
                key = point.instruments[0]
                answers = _answers(key, instruments[key], person, point.key, index, days_since, rng)
                day = max(window.opens_on, min(today, window.opens_on + dt.timedelta(days=3)))
                (response,) = save_answers(
                    Actor(patient_account),
                    AnswerSets(
                        episode_id=episode.pk, time_point=point.key, forms={key: _half(answers)}
                    ),
                    on=day,
                )
                started.append((response.pk, day))
                tally.in_progress += 1
                answered_any = True
            continue
        forms = {
            key: _answers(key, instruments[key], person, point.key, index, days_since, rng)
            for key in point.instruments
        }
        if paper:
            saved = enter_paper_forms(
                Actor(_nurse(episode)),
                PaperForms(
                    episode_id=episode.pk, time_point=point.key, completed_on=on, forms=forms
                ),
            )
            tally.on_paper += len(saved)
        elif patient_account is not None:
            saved = []
            if rng.random() < PARTLY_DONE_SHARE and len(forms) > 1:
                # The last questionnaire left half way (still open: "carry on").
                last = list(forms)[-1]
                half = _half(forms.pop(last))
                saved += save_answers(
                    Actor(patient_account),
                    AnswerSets(episode_id=episode.pk, time_point=point.key, forms={last: half}),
                    on=on,
                )
                tally.in_progress += 1
            saved += save_answers(
                Actor(patient_account),
                AnswerSets(episode_id=episode.pk, time_point=point.key, forms=forms, send=True),
                on=on,
            )
        else:
            continue
        started += [(response.pk, on) for response in saved]
        tally.completed += sum(1 for r in saved if r.status == ResponseStatus.COMPLETED)
        answered_any = True
    return answered_any


def _date_back(started: list[tuple[int, dt.date]]) -> None:
    """The actions stamp "now"; move each response's times to the day it was answered.

    One plain ``UPDATE`` per day (the forms of one time point share it), not
    a ``bulk_update``: its CASE over every row cost Django more to build than
    the database to run (issue 13: the demo load).
    """
    by_day: dict[dt.date, list[int]] = {}
    for pk, day in started:
        by_day.setdefault(day, []).append(pk)
    for day, pks in by_day.items():
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(18, 30)))
        QuestionnaireResponse.objects.filter(pk__in=pks).update(
            started_at=moment, updated_at=moment
        )


__all__ = ["DemoQuestionnaires", "load_demo_files", "load_demo_questionnaires"]
