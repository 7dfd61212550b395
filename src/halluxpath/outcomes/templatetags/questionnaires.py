"""Questionnaire cards other apps' pages include: the patient's Today, the episode page.

An inclusion tag keeps those pages' views untouched: the card reads what it
shows through the outcomes access helpers, for the signed-in user.
"""

from __future__ import annotations

from typing import Any

from django import template

from halluxpath.accounts import permissions
from halluxpath.audit.context import Actor
from halluxpath.core.schedule import Progress
from halluxpath.outcomes.access import RESPONSES, SCORES
from halluxpath.outcomes.actions import site_today
from halluxpath.outcomes.portal_views import patient_questionnaires
from halluxpath.outcomes.questionnaires import episode_questionnaires
from halluxpath.patients.models import Episode

register = template.Library()


@register.inclusion_tag("outcomes/_today_card.html", takes_context=True)
def questionnaires_due(context: template.Context) -> dict[str, Any]:
    """The patient's questionnaires open now (for the Today page)."""
    request = context["request"]
    actor = Actor.from_request(request)
    if not permissions.may_answer_own_questionnaires(actor.user):
        return {"due": []}
    due = [
        (episode, q)
        for episode, points in patient_questionnaires(actor)
        for point in points
        for q in point.questionnaires
        if q.progress in (Progress.OPEN, Progress.IN_PROGRESS)
    ]
    return {"due": due}


@register.inclusion_tag("outcomes/_episode_section.html", takes_context=True)
def episode_questionnaires_section(context: template.Context, episode: Episode) -> dict[str, Any]:
    """The episode's questionnaires per time point, their scores, and paper entry."""
    request = context["request"]
    actor = Actor.from_request(request)
    responses = RESPONSES.queryset(actor).filter(episode=episode)
    scores = SCORES.queryset(actor).filter(episode=episode)
    return {
        "episode": episode,
        "points": episode_questionnaires(episode, site_today(episode), responses, scores),
        "may_enter": permissions.may_change_clinical_records(actor.user),
        "entering": (Progress.OPEN, Progress.IN_PROGRESS, Progress.MISSED),
    }
