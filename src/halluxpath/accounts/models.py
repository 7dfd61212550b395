"""People who use HalluxPath, what role each has, and the care teams they form."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models.functions import Lower

from halluxpath.accounts.usernames import folded
from halluxpath.sites.models import Site


class Role(models.TextChoices):
    SURGEON = "surgeon", "Surgeon"
    NURSE = "nurse", "Nurse"
    PHYSIOTHERAPIST = "physiotherapist", "Physiotherapist"
    PATIENT = "patient", "Patient"
    RESEARCHER = "researcher", "Researcher"
    ADMIN = "admin", "Administrator"


# Roles that care for patients and see identifiable records of their teams.
CLINICAL_ROLES = frozenset({Role.SURGEON, Role.NURSE, Role.PHYSIOTHERAPIST})
# Roles that use the staff side of the application (worklist, patient pages).
STAFF_ROLES = CLINICAL_ROLES | {Role.ADMIN}


class PeopleManager(UserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        """Sign-in looks a name up in its normal form (accounts.usernames), case-insensitively."""
        return self.get(username__iexact=folded(username or ""))


class User(AbstractUser):
    """A person with exactly one role.

    The role, not Django's is_staff/is_superuser flags, decides what a user
    may do; every check goes through the ``access`` module of the app that
    owns the data.
    """

    role = models.CharField(max_length=20, choices=Role.choices)
    site = models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        related_name="users",
        help_text="The one site this person works at (or, for a patient, is cared for at).",
    )

    objects: ClassVar[PeopleManager] = PeopleManager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=[r.value for r in Role]), name="user_role_known"
            ),
            models.UniqueConstraint(Lower("username"), name="user_username_unique_any_case"),
        ]

    @classmethod
    def normalize_username(cls, username: Any) -> Any:
        """Django's hook for the stored form: NFKC and case-folded (accounts.usernames)."""
        return folded(username) if isinstance(username, str) else username

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_clinical(self) -> bool:
        return self.role in CLINICAL_ROLES

    @property
    def is_staff_member(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_admin_role(self) -> bool:
        return self.role == Role.ADMIN


class CareTeam(models.Model):
    """A group of clinicians of one site who share the care of their patients' episodes."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="care_teams")
    name = models.CharField(max_length=100)
    members = models.ManyToManyField(User, related_name="care_teams", blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="careteam_name_unique_per_site")
        ]

    def __str__(self) -> str:
        return self.name
