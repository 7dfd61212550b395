"""Typed inputs of the site's actions (accounts, site settings), as the pages fill them.

``NewUser`` names its ``Site`` object (the command and the page have already
found it); the others name nothing outside themselves: the action works out
whose site it is from the actor.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ninja import Field, Schema
from pydantic import ConfigDict

from halluxpath.accounts.models import Role
from halluxpath.sites.models import Site


class Input(Schema):
    """A typed action input: immutable, and unknown fields are refused."""

    model_config = ConfigDict(frozen=True, extra="forbid")


@dataclass(frozen=True)
class NewUser:
    """A person to add at ``site`` with one role (and, for clinicians, care teams)."""

    username: str
    role: Role
    site: Site
    password: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    teams: tuple[str, ...] = field(default_factory=tuple)


class UserChanges(Input):
    """What an administrator changes about a person of their site (not the user name)."""

    first_name: str = Field(default="", max_length=150)
    last_name: str = Field(default="", max_length=150)
    email: str = Field(default="", max_length=254)
    role: Role
    teams: tuple[str, ...] = ()


class SiteSettings(Input):
    """The settings an administrator edits for their own site (sites.models.Site)."""

    name: str = Field(max_length=200)
    time_zone: str = Field(max_length=64)
    reminder_hour: int = Field(ge=0, le=23)
    public_url: str = Field(max_length=200)
    phone_in_hours: str = Field(default="", max_length=30)
    phone_out_of_hours: str = Field(default="", max_length=30)
    address: str = Field(default="", max_length=500)
    second_factor_required: bool = True
    recurrence_hva_threshold: int
    smallest_count_shown: int = Field(ge=0, le=10_000)


class PasswordChange(Input):
    """A signed-in person's new password, with their current one as proof."""

    current_password: str = Field(max_length=4096)
    new_password: str = Field(max_length=4096)
