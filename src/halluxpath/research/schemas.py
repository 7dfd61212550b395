"""The typed input of the research actions, the same for the page and any future API."""

from __future__ import annotations

from ninja import Schema
from pydantic import ConfigDict, Field


class ExportRequestInput(Schema):
    """A request for a new export of the requester's site."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    purpose: str = Field(
        min_length=1, max_length=200, description="The study or question the dataset is for"
    )
