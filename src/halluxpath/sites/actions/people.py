"""Every write to a site's people (accounts) and care teams: validate, one transaction, audit.

These live with the site, not in ``accounts``, because they record audit
events: ``audit`` depends on ``accounts`` (users, roles, permissions) and
``accounts`` depends on nothing above it.

An administrator manages the people of their own site only; the command line
(``halluxpath create_user``, actor without a user) may add anyone anywhere.
Nobody is deleted: a person who leaves is deactivated, so every audit event
and signature keeps naming them, and their open sessions end at once.
"""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from halluxpath.accounts import permissions
from halluxpath.accounts.models import CLINICAL_ROLES, CareTeam, Role, User
from halluxpath.accounts.passwords import set_checked_password
from halluxpath.accounts.usernames import normalise_username
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.frontdoor import page_only
from halluxpath.records import field_changes
from halluxpath.sites.schemas import NewUser, UserChanges

__all__ = ["NewUser", "UserChanges", "create_user", "deactivate_user", "reactivate_user"]

PAGES_ONLY = (
    "accounts are administered on the administrators' pages and the server's command line; "
    "the API serves clinical records, not the people who sign in"
)
LAST_ADMIN = (
    "This is the site's last active administrator: make someone else an administrator first."
)


def _administrator(actor: Actor) -> User | None:
    """The acting administrator (None for the command line); anyone else is refused."""
    if actor.user is None:
        return None
    if not permissions.may_manage_site(actor.user):
        raise PermissionDenied("Only the site's administrators manage accounts.")
    return actor.user


def _locked_person(actor: Actor, user_id: int) -> User:
    admin = _administrator(actor)
    people = User.objects.select_for_update()
    if admin is not None:
        people = people.filter(site_id=admin.site_id)
    person = people.filter(pk=user_id).first()
    if person is None:
        raise ValidationError("There is no such person at your site.")
    return person


def _check_teams(role: Role, teams: tuple[str, ...]) -> None:
    if teams and role not in CLINICAL_ROLES:
        raise ValidationError({"teams": "Only surgeons, nurses and physiotherapists join teams."})


PORTAL_ONLY = "Patients get their account from an invitation, and keep the patient role."


def _other_active_admins(person: User) -> bool:
    return (
        User.objects.filter(site_id=person.site_id, role=Role.ADMIN, is_active=True)
        .exclude(pk=person.pk)
        .exists()
    )


@page_only(PAGES_ONLY)
def create_user(actor: Actor, data: NewUser) -> User:
    """Create the user; teams of that name at the user's site are joined (made if new)."""
    admin = _administrator(actor)
    if admin is not None and data.site.pk != admin.site_id:
        raise PermissionDenied("Administrators add people to their own site only.")
    if admin is not None and data.role == Role.PATIENT:
        raise ValidationError({"role": PORTAL_ONLY})
    try:
        username = normalise_username(data.username)
    except ValidationError as error:
        raise ValidationError({"username": error.messages}) from None
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"A user named {username!r} already exists."})
    _check_teams(data.role, data.teams)
    user = User(
        username=username,
        role=data.role,
        site=data.site,
        first_name=data.first_name,
        last_name=data.last_name,
        email=data.email,
    )
    set_checked_password(user, data.password)
    with transaction.atomic():
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:
            raise ValidationError(
                {"username": f"A user named {username!r} already exists."}
            ) from None
        for name in data.teams:
            CareTeam.objects.get_or_create(site=data.site, name=name)[0].members.add(user)
        record(
            actor,
            "create",
            object_type="user",
            object_id=user.pk,
            detail={
                "username": username,
                "role": data.role.value,
                "site": data.site.slug,
                "teams": list(data.teams),
            },
        )
    return user


def _described(person: User) -> dict[str, object]:
    return {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "role": person.role,
        "teams": sorted(person.care_teams.values_list("name", flat=True)),
    }


@page_only(PAGES_ONLY)
def update_user(actor: Actor, user_id: int, data: UserChanges) -> User:
    """Change a person's name, e-mail, role and care teams (teams of their own site)."""
    _check_teams(data.role, data.teams)
    with transaction.atomic():
        person = _locked_person(actor, user_id)
        if (person.role == Role.PATIENT) != (data.role == Role.PATIENT):
            raise ValidationError({"role": PORTAL_ONLY})
        if (
            person.role == Role.ADMIN
            and data.role != Role.ADMIN
            and person.is_active
            and not _other_active_admins(person)
        ):
            raise ValidationError({"role": LAST_ADMIN})
        teams = list(CareTeam.objects.filter(site_id=person.site_id, name__in=data.teams))
        unknown = set(data.teams) - {team.name for team in teams}
        if unknown:
            raise ValidationError(
                {"teams": f"No such team at this site: {', '.join(sorted(unknown))}."}
            )
        before = _described(person)
        person.first_name = data.first_name
        person.last_name = data.last_name
        person.email = data.email
        person.role = data.role
        person.full_clean(exclude=["password", "username", "site"])
        person.save()
        person.care_teams.set(teams)
        changes = field_changes(before, _described(person))
        record(
            actor,
            "change",
            object_type="user",
            object_id=person.pk,
            detail={
                "changes": {k: {"before": v.before, "after": v.after} for k, v in changes.items()}
            },
        )
    return person


def _end_sessions(person: User) -> int:
    """Delete every open session of ``person`` (database sessions, this installation's)."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(person.pk):
            session.delete()
            ended += 1
    return ended


@page_only(PAGES_ONLY)
def deactivate_user(actor: Actor, user_id: int) -> User:
    """Stop a person signing in; their history stays (is_active False, sessions ended)."""
    with transaction.atomic():
        person = _locked_person(actor, user_id)
        if actor.user is not None and person.pk == actor.user.pk:
            raise ValidationError("You cannot deactivate your own account.")
        if not person.is_active:
            raise ValidationError("This account is already deactivated.")
        if person.role == Role.ADMIN and not _other_active_admins(person):
            raise ValidationError(LAST_ADMIN)
        person.is_active = False
        person.save(update_fields=["is_active"])
        ended = _end_sessions(person)
        record(
            actor,
            "deactivate",
            object_type="user",
            object_id=person.pk,
            detail={"sessions_ended": ended},
        )
    return person


@page_only(PAGES_ONLY)
def reactivate_user(actor: Actor, user_id: int) -> User:
    """Let a deactivated person sign in again (with the password they had)."""
    with transaction.atomic():
        person = _locked_person(actor, user_id)
        if person.is_active:
            raise ValidationError("This account is already active.")
        person.is_active = True
        person.save(update_fields=["is_active"])
        record(actor, "reactivate", object_type="user", object_id=person.pk)
    return person
