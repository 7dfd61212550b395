"""``{% next_step episode %}``: the "Next: ..." button of an episode, for any staff page.

The surgical, imaging and aftercare pages show it without computing the
journey in their views: the tag reads it for the signed-in user through
``patients.journey.journey_for`` (each record through its access helper) and
renders ``patients/_next_step.html``.
"""

from __future__ import annotations

from typing import Any

from django import template

from halluxpath.audit.context import Actor
from halluxpath.patients.journey import journey_for
from halluxpath.patients.models import Episode

register = template.Library()


@register.inclusion_tag("patients/_next_step.html", takes_context=True)
def next_step(context: template.Context, episode: Episode) -> dict[str, Any]:
    request = context.get("request")
    if request is None or not isinstance(episode, Episode):
        return {"journey": None}
    return {"journey": journey_for(Actor.from_request(request), episode), "request": request}
