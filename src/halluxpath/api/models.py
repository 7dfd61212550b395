"""API tokens: how an integration or a person's script signs in to the JSON API (docs/api.md).

Only a keyed digest of the secret is kept (``api.tokens``); the secret is
shown once, when the token is made. ``prefix`` is the short public part of
the token, shown on the pages to tell tokens apart and used to find the row.
A token is bound to the site it was made at, expires, and is revoked by
setting ``revoked_at`` (never deleted: the audit log names it).
"""

from __future__ import annotations

from datetime import datetime

from django.db import models

from halluxpath.accounts.models import User
from halluxpath.sites.models import Site


class TokenKind(models.TextChoices):
    PERSONAL = "personal", "Personal"
    INTEGRATION = "integration", "Integration"


class ApiToken(models.Model):
    kind = models.CharField(max_length=12, choices=TokenKind.choices)
    name = models.CharField(max_length=100, help_text="What it is for, or the integration's name")
    user = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        help_text="The account whose role and teams the token acts with",
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="api_tokens")
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(max_length=64)
    scopes = models.CharField(max_length=300, help_text="Space-separated scope names")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_from = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.shown_prefix} ({self.name})"

    @property
    def shown_prefix(self) -> str:
        from halluxpath.api.tokens import shown_prefix

        return shown_prefix(self.prefix)

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()

    def state(self, now: datetime) -> str:
        """'revoked', 'expired' or 'active' at ``now``."""
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expires_at <= now else "active"
