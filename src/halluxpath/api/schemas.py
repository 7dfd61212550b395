"""Typed inputs of the token actions: the same for every front door (docs/api.md, Tokens)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from halluxpath.api import scopes

# A token lives 90 days unless its maker says otherwise, a year at most: long
# enough for an integration's maintenance cycle, short enough that a
# forgotten token dies (docs/api.md).
DEFAULT_LIFETIME_DAYS = 90
MAX_LIFETIME_DAYS = 365
NAME_LENGTH = 100


class NewToken(BaseModel):
    """A token a person makes for their own scripts: it acts as them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=NAME_LENGTH, description="What it is for")
    lifetime_days: int = Field(DEFAULT_LIFETIME_DAYS, ge=1, le=MAX_LIFETIME_DAYS)
    scopes: tuple[str, ...] = Field(min_length=1, description="api.scopes.ALL_SCOPES")

    @field_validator("name")
    @classmethod
    def _stripped(cls, name: str) -> str:
        name = name.strip()
        if not name:
            raise ValueError("give the token a name")
        return name

    @field_validator("scopes")
    @classmethod
    def _known(cls, names: tuple[str, ...]) -> tuple[str, ...]:
        return scopes.normalised(names)


class NewIntegrationToken(NewToken):
    """A token an administrator makes for a named integration, acting as an account of the site."""

    acts_as: int = Field(description="The id of the staff account whose rights it uses")
