"""The WHO safety checklist page: one form per phase, the laterality check on top."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from pydantic import ValidationError as InputError

from halluxpath.accounts import permissions
from halluxpath.accounts.decorators import signed_in_user, staff_required
from halluxpath.audit.context import Actor
from halluxpath.core import checklist
from halluxpath.core.checklist import Phase, TeamRole
from halluxpath.forms import ClinicForm
from halluxpath.patients.access import episode_for
from halluxpath.records import EditConflict
from halluxpath.surgery import actions
from halluxpath.surgery.access import CHECKLISTS
from halluxpath.surgery.derived import laterality_for
from halluxpath.surgery.schemas import PhaseInput, TeamInput


def phase_input(request: HttpRequest) -> PhaseInput:
    """The posted phase form as the action's input (pydantic refuses what it cannot read)."""
    return PhaseInput(
        phase=Phase(request.POST.get("phase", "")),
        ticked=[int(n) for n in request.POST.getlist("item")],
        site_marked=request.POST.get("site_marked") == "on",
        marked_by=request.POST.get("marked_by", "")[:150],
        mark_visible_after_draping={"yes": True, "no": False}.get(
            request.POST.get("mark_visible", "")
        ),
        team=TeamInput(
            **{role.value: request.POST.get(f"team-{role.value}", "")[:150] for role in TeamRole}
        ),
    )


def moment(value: object) -> dt.datetime | None:
    """A stored ISO time as a datetime for the locale's format (None if unreadable)."""
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError:
        return None


def shown_tick(tick: object) -> dict[str, Any] | None:
    """A stored tick (any layout) as the page shows it: who confirmed it, who recorded it."""
    if not isinstance(tick, dict):
        return None
    role = str(tick.get("role", ""))
    return {
        "confirmed_by": str(tick.get("confirmed_by", "")),
        "role": dict(TeamRole.choices()).get(role, ""),
        "recorded_by": str(tick.get("by_name") or tick.get("by") or ""),
        "at": moment(tick.get("at")),
    }


@staff_required
def safety_checklist(request: HttpRequest, episode_pk: int) -> HttpResponse:
    actor = Actor.from_request(request)
    episode = episode_for(actor, episode_pk)
    sheet = CHECKLISTS.find(actor, episode=episode)
    editable = permissions.may_change_clinical_records(signed_in_user(request))
    refused: tuple[str, ClinicForm] | None = None  # the phase and its error summary
    if request.method == "POST" and editable:
        problem = ""
        try:
            data = phase_input(request)
            version = int(request.POST.get("version", "1"))
            actions.complete_checklist_phase(actor, episode.pk, version, data)
        except (ValueError, InputError):
            problem = "The checklist form was not understood; nothing changed."
        except EditConflict as conflict:
            problem = str(conflict)
        except ValidationError as error:
            problem = " ".join(error.messages)
        else:
            messages.success(request, f"{data.phase.short_label} complete.")
            return redirect("surgery:checklist", episode_pk=episode.pk)
        summary = ClinicForm(data={})
        summary.add_error(None, problem)
        refused = (str(request.POST.get("phase", "")), summary)
        sheet = CHECKLISTS.find(actor, episode=episode)
    ticks = sheet.ticks if sheet else {}
    completed = sheet.phases_done if sheet else {}
    phases = [
        {
            "key": p.value,
            "label": p.label,
            "done": shown_tick(completed.get(p.value)),
            "errors": refused[1] if refused and refused[0] == p.value else None,
            "posted": request.POST.getlist("item") if refused and refused[0] == p.value else [],
            "items": [(i, shown_tick(ticks.get(i.number))) for i in checklist.items_of(p)],
        }
        for p in Phase
    ]
    return render(
        request,
        "surgery/checklist.html",
        {
            "episode": episode,
            "patient": episode.patient,
            "sheet": sheet,
            "phases": phases,
            "laterality": laterality_for(actor, episode),
            "editable": editable,
            "version": sheet.version if sheet else 1,
            "team": [
                (
                    role.value,
                    role.label,
                    request.POST.get(f"team-{role.value}", "")[:150]
                    if refused
                    else (sheet.team_names if sheet else {}).get(role.value, ""),
                )
                for role in TeamRole
            ],
        },
    )
