"""A site: the clinic or hospital that owns its teams, users, patients and settings.

Every record a person can reach belongs to exactly one site (through its
patient, care team or template), and nobody at one site sees anything of
another (docs/access.md). A site's settings replace what used to be
process-wide settings: its name, time zone, reminder hour, public address,
telephone numbers, and the clinical choices DOMAIN.md leaves to the site.
"""

from __future__ import annotations

import zoneinfo
from functools import cached_property

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from halluxpath.core.disclosure import SMALLEST_SHOWN

# DOMAIN "Decisions taken on top of the literature" (Recurrence) and §2's
# outcome table: HVA > 15° and > 20° are both in use; the site chooses, > 15°
# by default (every study checked, MIS included).
RECURRENCE_HVA_CHOICES = ((15, "HVA > 15°"), (20, "HVA > 20°"))
DEFAULT_RECURRENCE_HVA = 15


def validate_time_zone(name: str) -> None:
    """An IANA time zone name this machine knows (``zoneinfo``)."""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            "%(name)s is not a known time zone (use a name like Europe/London).",
            params={"name": name},
        ) from None


class Site(models.Model):
    """One clinic or hospital. The first site (lowest id) is the default site.

    ``version`` grows with every change (optimistic concurrency, as patients).
    """

    slug = models.SlugField(max_length=40, unique=True, help_text="Short name used by commands.")
    name = models.CharField(max_length=200, help_text="Shown to patients (letters, PDFs).")
    time_zone = models.CharField(
        max_length=64, default="Europe/London", validators=[validate_time_zone]
    )
    reminder_hour = models.PositiveSmallIntegerField(
        default=10,
        validators=[MinValueValidator(0), MaxValueValidator(23)],
        help_text="Local hour at which reminders are sent (0-23).",
    )
    public_url = models.URLField(
        max_length=200,
        default="http://127.0.0.1:8000",
        help_text="Address patients use to reach the portal (no trailing slash).",
    )
    phone_in_hours = models.CharField(
        max_length=30,
        blank=True,
        validators=[RegexValidator(r"^[0-9+() -]*$", "Use digits, spaces, +, ( ) and -.")],
    )
    phone_out_of_hours = models.CharField(
        max_length=30,
        blank=True,
        validators=[RegexValidator(r"^[0-9+() -]*$", "Use digits, spaces, +, ( ) and -.")],
    )
    address = models.TextField(
        max_length=500,
        blank=True,
        help_text="Postal address patients are given with the telephone numbers.",
    )
    second_factor_required = models.BooleanField(
        default=True,
        help_text="Staff must sign in with a second factor (an authenticator app code).",
    )
    recurrence_hva_threshold = models.PositiveSmallIntegerField(
        choices=RECURRENCE_HVA_CHOICES,
        default=DEFAULT_RECURRENCE_HVA,
        help_text="Recurrence is proposed when HVA exceeds this at follow-up (DOMAIN §2).",
    )
    smallest_count_shown = models.PositiveSmallIntegerField(
        default=SMALLEST_SHOWN,
        validators=[MinValueValidator(SMALLEST_SHOWN)],
        help_text="Counts below this are suppressed in outputs (DOMAIN §17); never lower "
        "than the national rule.",
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reminder_hour__lte=23), name="site_reminder_hour_0_23"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @cached_property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def url(self, path: str) -> str:
        """The public address of ``path`` (e.g. a ``reverse()`` result) at this site."""
        return self.public_url.rstrip("/") + path


def default_site() -> Site:
    """The installation's first site (where existing data went when sites arrived)."""
    site = Site.objects.order_by("pk").first()
    if site is None:
        raise Site.DoesNotExist("no site yet: run migrations, or halluxpath add_site")
    return site


def default_site_id() -> int | None:
    """Default for records created without a site (the first site's id, if any)."""
    return Site.objects.order_by("pk").values_list("pk", flat=True).first()


def is_default(site: Site) -> bool:
    return site.pk == default_site_id()
