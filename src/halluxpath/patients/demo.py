"""Load the synthetic demo cohort and the demo accounts (core.synthetic).

Idempotent: people and patients are matched by user name and hospital
number, and anything already there is left as it is, so running it twice
changes nothing. The demo accounts exist only here: a real installation
never calls this.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from halluxpath.accounts.models import CareTeam, Role, User
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.core.episode import EpisodeStatus
from halluxpath.core.synthetic import SyntheticEpisode, generate_cohort
from halluxpath.patients.models import Episode, Patient, StatusChange
from halluxpath.sites.models import Site, default_site

DEMO_PASSWORD = "halluxpath-demo"  # noqa: S105  (published in the README, demo only)
DEFAULT_SIZE = 300
DEFAULT_SEED = 2026


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: Role
    first_name: str
    last_name: str
    care_team: str | None
    can_sign_in: bool
    site: str = ""  # slug of a second demo site; "" is the first site


TEAM_A, TEAM_B = "Forefoot team A", "Forefoot team B"
TEAM_H = "Hillcrest foot team"
DEMO_ACCOUNTS = (
    DemoAccount("surgeon", Role.SURGEON, "Alex", "Morgan", TEAM_A, True),
    DemoAccount("nurse", Role.NURSE, "Jordan", "Reed", TEAM_A, True),
    DemoAccount("physio", Role.PHYSIOTHERAPIST, "Sam", "Patel", TEAM_A, True),
    DemoAccount("patient", Role.PATIENT, "", "", None, True),
    DemoAccount("researcher", Role.RESEARCHER, "Robin", "Hale", None, True),
    DemoAccount("admin", Role.ADMIN, "Casey", "Lund", None, True),
    # Colleagues who appear in the data but have no demo sign-in.
    DemoAccount("surgeon-b", Role.SURGEON, "Priya", "Nair", TEAM_A, False),
    DemoAccount("surgeon-c", Role.SURGEON, "Tomasz", "Kowal", TEAM_B, False),
    DemoAccount("nurse-b", Role.NURSE, "Ade", "Bello", TEAM_B, False),
    DemoAccount("physio-b", Role.PHYSIOTHERAPIST, "Kim", "Lowe", TEAM_B, False),
    # The second site: nobody here sees anything of the first, nor the reverse.
    DemoAccount("admin-b", Role.ADMIN, "Noor", "Haddad", None, True, "hillcrest"),
    DemoAccount("surgeon-h", Role.SURGEON, "Lars", "Berg", TEAM_H, True, "hillcrest"),
    DemoAccount("nurse-h", Role.NURSE, "Eva", "Sousa", TEAM_H, True, "hillcrest"),
)
SECOND_SITE = {"slug": "hillcrest", "name": "Hillcrest Hospital", "time_zone": "Europe/Dublin"}
SECOND_SITE_PATIENTS = 6
# Numbers from Ofcom's range for drama (01632 960xxx), which never rings anyone.
DEMO_CONTACTS = {
    "": (
        "01632 960000",
        "01632 960111",
        "Foot and Ankle Unit\n1 Example Road\nExampletown EX1 1AA",
    ),
    "hillcrest": ("01632 960222", "01632 960333", "Hillcrest Hospital\nHill Road\nExampleford"),
}


@dataclass(frozen=True)
class DemoReport:
    users_created: int
    patients_created: int
    episodes_created: int
    second_site_patients: int = 0  # the second site's few patients (not in the counts above)


def _path_to(status: EpisodeStatus) -> list[EpisodeStatus]:
    """The stages an episode passed through to reach ``status``.

    The demo follows the main line of care (the order of ``EpisodeStatus``),
    so a discharged demo episode went through surgery and follow-up.
    """
    main_line = list(EpisodeStatus)
    return main_line[: main_line.index(status) + 1]


def reached(episode: Episode) -> dict[str, date]:
    """The day the episode reached each status (its status history, site calendar).

    The demo's films and surgical records are dated from it; prefetch
    ``status_changes`` when calling it for many episodes.
    """
    return {
        change.to_status: timezone.localtime(change.changed_at).date()
        for change in episode.status_changes.all()
    }


def _cause(status: EpisodeStatus, surgeon: User) -> str:
    """Why a demo episode reached ``status``, worded as the work itself words it."""
    name = surgeon.get_full_name() or surgeon.username
    return {
        EpisodeStatus.REFERRED: "referral registered",
        EpisodeStatus.ASSESSED: f"assessment saved by {name}",
        EpisodeStatus.PLANNED: f"plan saved by {name}",
        EpisodeStatus.OPERATED: f"operative record signed by {name}",
        EpisodeStatus.FOLLOW_UP: "first check-in sent",
        EpisodeStatus.DISCHARGED: "manual: discharged at the final review",
    }[status]


def _timeline(episode: SyntheticEpisode, today: date) -> list[tuple[EpisodeStatus, datetime]]:
    path = _path_to(episode.status)
    start = timezone.make_aware(datetime.combine(episode.referred_on, time(9, 0)))
    span = max((today - episode.referred_on).days, 1)
    step = timedelta(days=span / (len(path) + 1))
    return [(status, start + step * i) for i, status in enumerate(path)]


def _sites() -> dict[str, Site]:
    """The demo's two sites, with the second factor off (the demo accounts share a password).

    A real site keeps ``second_factor_required`` on (its default); the demo turns
    it off so that anyone trying HalluxPath can sign in as every role at once.
    """
    slug = SECOND_SITE["slug"]
    second = Site.objects.filter(slug=slug).first() or Site.objects.create(**SECOND_SITE)
    sites = {"": default_site(), slug: second}
    Site.objects.filter(pk__in=[s.pk for s in sites.values()], second_factor_required=True).update(
        second_factor_required=False
    )
    for key, (in_hours, out_of_hours, address) in DEMO_CONTACTS.items():
        Site.objects.filter(pk=sites[key].pk, phone_in_hours="").update(
            phone_in_hours=in_hours, phone_out_of_hours=out_of_hours, address=address
        )
    return sites


def _ensure_accounts(sites: dict[str, Site]) -> tuple[int, dict[str, User]]:
    teams = {
        account.care_team: CareTeam.objects.get_or_create(
            site=sites[account.site], name=account.care_team
        )[0]
        for account in DEMO_ACCOUNTS
        if account.care_team
    }
    created = 0
    users: dict[str, User] = {}
    # One hash of the published demo password for every demo account that
    # signs in: the password hasher is slow on purpose (argon2, about 0.3 s a
    # hash), and a salt of its own per account protects nothing here.
    demo_hash = ""
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(username=account.username).first()
        if user is None:
            user = User(
                username=account.username,
                role=account.role,
                site=sites[account.site],
                first_name=account.first_name,
                last_name=account.last_name,
            )
            if account.can_sign_in:
                demo_hash = demo_hash or make_password(DEMO_PASSWORD)
                user.password = demo_hash
            else:
                user.set_unusable_password()
            user.save()
            created += 1
            if account.care_team:
                teams[account.care_team].members.add(user)
        users[account.username] = user
    return created, users


def load_demo(
    size: int = DEFAULT_SIZE, seed: int = DEFAULT_SEED, today: date | None = None
) -> DemoReport:
    today = today or timezone.localdate()
    cohort = generate_cohort(size, seed=seed, reference_date=today)
    with transaction.atomic():
        sites = _sites()
        first = sites[""]
        users_created, users = _ensure_accounts(sites)
        teams = {t.name: t for t in CareTeam.objects.filter(site=first)}
        existing = set(
            Patient.objects.filter(
                site=first, hospital_number__in=[p.hospital_number for p in cohort]
            ).values_list("hospital_number", flat=True)
        )
        new = [p for p in cohort if p.hospital_number not in existing]
        patients = Patient.objects.bulk_create(
            Patient(
                site=first,
                hospital_number=p.hospital_number,
                given_name=p.given_name,
                family_name=p.family_name,
                date_of_birth=p.date_of_birth,
                sex=p.sex,
                phone=p.phone,
                email=p.email,
            )
            for p in new
        )
        episodes: list[Episode] = []
        timelines: list[list[tuple[EpisodeStatus, datetime]]] = []
        for row, synthetic in zip(patients, new, strict=True):
            for ep in synthetic.episodes:
                episodes.append(
                    Episode(
                        patient=row,
                        side=ep.side,
                        diagnosis=ep.diagnosis,
                        responsible_surgeon=users[ep.surgeon],
                        care_team=teams[ep.care_team],
                        status=ep.status.value,
                        referred_on=ep.referred_on,
                    )
                )
                timelines.append(_timeline(ep, today))
        Episode.objects.bulk_create(episodes, batch_size=500)
        StatusChange.objects.bulk_create(
            (
                StatusChange(
                    episode=episode,
                    from_status=previous.value if previous else "",
                    to_status=status.value,
                    changed_at=at,
                    changed_by=episode.responsible_surgeon,
                    cause=_cause(status, episode.responsible_surgeon),
                )
                for episode, timeline in zip(episodes, timelines, strict=True)
                for (status, at), previous in zip(
                    timeline, [None, *(s for s, _ in timeline)], strict=False
                )
            ),
            batch_size=1000,
        )
        _link_patient_account(users["patient"])
        second_patients, second_episodes = _second_site(
            sites[SECOND_SITE["slug"]], users, seed, today
        )
        report = DemoReport(users_created, len(patients), len(episodes), second_patients)
        if users_created or patients or second_patients:
            record(
                Actor(user=None),
                "create",
                object_type="demo_cohort",
                detail={
                    "size": size,
                    "seed": seed,
                    "users": users_created,
                    "patients": len(patients),
                    "episodes": len(episodes),
                    "second_site": {"patients": second_patients, "episodes": second_episodes},
                },
            )
    return report


def _second_site(site: Site, users: dict[str, User], seed: int, today: date) -> tuple[int, int]:
    """A few patients of the second site, all with its one team and surgeon."""
    surgeon = users["surgeon-h"]
    team = CareTeam.objects.get(site=site, name=TEAM_H)
    cohort = generate_cohort(SECOND_SITE_PATIENTS, seed=seed + 1, reference_date=today)
    patients = episodes = 0
    for number, synthetic in enumerate(cohort, start=1):
        hospital_number = f"HC-{number:04d}"
        if Patient.objects.filter(site=site, hospital_number=hospital_number).exists():
            continue
        patient = Patient.objects.create(
            site=site,
            hospital_number=hospital_number,
            given_name=synthetic.given_name,
            family_name=synthetic.family_name,
            date_of_birth=synthetic.date_of_birth,
            sex=synthetic.sex,
        )
        patients += 1
        for ep in synthetic.episodes[:1]:
            episode = Episode.objects.create(
                patient=patient,
                side=ep.side,
                diagnosis=ep.diagnosis,
                responsible_surgeon=surgeon,
                care_team=team,
                status=EpisodeStatus.REFERRED.value,
                referred_on=ep.referred_on,
            )
            StatusChange.objects.create(
                episode=episode,
                to_status=episode.status,
                changed_at=timezone.now(),
                changed_by=surgeon,
                cause=_cause(EpisodeStatus.REFERRED, surgeon),
            )
            episodes += 1
    return patients, episodes


def _link_patient_account(account: User) -> None:
    """Give the demo ``patient`` account the record of a team A patient."""
    if Patient.objects.filter(user=account).exists():
        return
    patient = (
        Patient.objects.filter(
            user__isnull=True, hospital_number__startswith="DEMO", episodes__care_team__name=TEAM_A
        )
        .order_by("hospital_number")
        .first()
    )
    if patient is not None:
        Patient.objects.filter(pk=patient.pk).update(user=account)
        account.first_name, account.last_name = patient.given_name, patient.family_name
        account.save(update_fields=["first_name", "last_name"])
