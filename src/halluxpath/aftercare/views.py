"""The patient's check-in and the care team's triage list."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from pydantic import ValidationError as PydanticError

from halluxpath.accounts import permissions
from halluxpath.accounts.decorators import patient_required, signed_in_user, staff_required
from halluxpath.aftercare import actions, ical, invitations, plans, trend
from halluxpath.aftercare.access import (
    AFTERCARE_PLANS,
    ALERTS,
    CHECK_INS,
    PLAN_CHANGES,
    WOUND_PHOTOS,
)
from halluxpath.aftercare.contact import contact_for
from halluxpath.aftercare.forms import (
    AcceptInvitationForm,
    AcknowledgeForm,
    AdjustItemForm,
    CheckInForm,
    IssuePlanForm,
)
from halluxpath.aftercare.models import RESPONSES, AftercarePlan, PlanChange
from halluxpath.aftercare.photos import clean_wound_photo
from halluxpath.aftercare.schemas import (
    AlertAcknowledgement,
    CheckInInput,
    InvitationAcceptance,
    InvitationSending,
)
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.core import pathway
from halluxpath.core.pathway import MIS_SCREWS, PlanItem
from halluxpath.forms import add_validation_errors, typed_input
from halluxpath.imaging.limits import UploadRefused
from halluxpath.imaging.storage import open_for_download
from halluxpath.patients.access import (
    episode_for,
    patient_for,
    visible_episodes,
    visible_patients,
)
from halluxpath.patients.actions import set_own_reminders
from halluxpath.patients.models import Reminders
from halluxpath.records import EditConflict


@patient_required
def check_in(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    # The foot in aftercare now: operated or in follow-up first, else the latest.
    episodes = list(visible_episodes(user).order_by("-referred_on"))
    episode = next(
        (e for e in episodes if e.status in ("operated", "follow_up")),
        episodes[0] if episodes else None,
    )
    if episode is None:
        return render(
            request, "aftercare/check_in.html", {"form": None, "contact": contact_for(user.site)}
        )
    form = CheckInForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "discharge": "none",
            "bleeding": "none",
            "numbness": "none",
            "medication": "as_prescribed",
            "submission": uuid.uuid4().hex,  # a second send of this form is the same check-in
        },
    )
    if request.method == "POST" and form.is_valid():
        data = CheckInInput.model_validate(
            {k: v for k, v in form.cleaned_data.items() if k != "wound_photo"}
        )
        upload = form.cleaned_data["wound_photo"]
        photo, photo_refused = None, ""
        if upload:
            try:
                photo = clean_wound_photo(upload, upload.size)
            except UploadRefused as refusal:
                # The answers still go to triage now (a red flag must not wait for a
                # photo); the patient is told the photo was not used.
                photo_refused = str(refusal)
        try:
            saved, _ = actions.submit_check_in(
                Actor.from_request(request), episode.pk, data, photo=photo
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            if photo_refused:
                messages.warning(
                    request,
                    f"Your answers were sent, but not the photo: {photo_refused} "
                    "You can send another check-in with a different photo.",
                )
            return redirect("aftercare:check_in_result", pk=saved.pk)
    return render(
        request,
        "aftercare/check_in.html",
        {"form": form, "episode": episode, "contact": contact_for(episode.patient.site)},
    )


@patient_required
def check_in_result(request: HttpRequest, pk: int) -> HttpResponse:
    actor = Actor.from_request(request)
    saved = CHECK_INS.get(actor, pk)  # another patient's check-in: 404, like a missing one
    alerts = saved.alerts.order_by("-level")
    plan = AFTERCARE_PLANS.queryset(actor).filter(episode=saved.episode_id).first()
    next_day = plans.next_check_in(plan, timezone.localdate()) if plan else None
    return render(
        request,
        "aftercare/check_in_result.html",
        {
            "check_in": saved,
            "alerts": alerts,
            "next_check_in": next_day,
            "contact": contact_for(saved.episode.patient.site),
        },
    )


@login_required
def check_in_photo(request: HttpRequest, pk: int) -> FileResponse:
    """A check-in's wound photo, for its patient and the staff who may see the episode.

    Anyone else gets the same 404 as for a check-in without a photo.
    """
    saved = WOUND_PHOTOS.get(Actor.from_request(request), pk)  # records the view, or the 404
    handle = open_for_download(saved.photo)
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required
def triage_list(request: HttpRequest) -> HttpResponse:
    return _triage_page(request)


def _triage_page(
    request: HttpRequest, failed: tuple[int, AcknowledgeForm] | None = None
) -> HttpResponse:
    """The open alerts (escalated first) and the last 30 acknowledged, with their forms."""
    actor = Actor.from_request(request)
    alerts = ALERTS.queryset(actor).select_related("episode__patient__site")
    open_alerts = list(
        alerts.filter(acknowledged_at__isnull=True).order_by("escalated_at", "-level", "created_at")
    )
    done = alerts.filter(acknowledged_at__isnull=False).order_by("-acknowledged_at")[:30]
    record(actor, "view", object_type="triage_list", detail={"open": len(open_alerts)})
    failed_pk, failed_form = failed if failed else (None, None)
    if failed_form is not None and all(a.pk != failed_pk for a in open_alerts):
        # Acknowledged meanwhile (by someone else, or a second tap): say so above the list.
        messages.error(request, " ".join(str(e) for e in failed_form.non_field_errors()))
    cards = [
        (alert, failed_form if alert.pk == failed_pk else AcknowledgeForm(prefix=f"a{alert.pk}"))
        for alert in open_alerts
    ]
    return render(
        request,
        "aftercare/triage.html",
        {
            "cards": cards,
            "open_count": len(open_alerts),
            "done": done,
            "responses": dict(RESPONSES),
            "escalate_after_hours": int(actions.ESCALATE_AFTER.total_seconds() // 3600),
        },
        status=422 if failed else 200,
    )


@staff_required
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    form = AcknowledgeForm(request.POST, prefix=f"a{pk}")
    data = typed_input(form, AlertAcknowledgement) if form.is_valid() else None
    if data is not None:
        try:
            actions.acknowledge(Actor.from_request(request), pk, data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, "Alert acknowledged.")
            return redirect("aftercare:triage")
    return _triage_page(request, (pk, form))


@staff_required
def plan_page(request: HttpRequest, episode_pk: int) -> HttpResponse:
    actor = Actor.from_request(request)
    episode = episode_for(actor, episode_pk)
    plan = AFTERCARE_PLANS.queryset(actor).filter(episode=episode).first()
    editable = permissions.may_change_clinical_records(signed_in_user(request))
    from halluxpath.surgery.models import OperativeRecord

    operation = OperativeRecord.objects.filter(episode=episode).first()
    issue_form = IssuePlanForm(
        request.POST if request.method == "POST" and "issue" in request.POST else None,
        initial={
            "operated_on": operation.operated_on if operation else timezone.localdate(),
            "fixation": "screws",
            "template": plan.template if plan else MIS_SCREWS.name,
        },
    )
    if editable and issue_form.is_bound and issue_form.is_valid():
        data = issue_form.cleaned_data
        try:
            actions.issue_plan(actor, episode.pk, issue_form.as_input())
        except ValidationError as error:
            add_validation_errors(issue_form, error)
        else:
            messages.success(request, "Aftercare plan issued.")
            return redirect("aftercare:plan", episode_pk=episode.pk)
    if editable and request.method == "POST" and "adjust" in request.POST:
        adjust = AdjustItemForm(request.POST)
        if adjust.is_valid():
            data = adjust.cleaned_data
            try:
                actions.adjust_item(actor, episode.pk, data["version"], adjust.as_input())
            except EditConflict as conflict:
                messages.error(request, str(conflict))
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, "Plan item changed; the change is recorded.")
        else:
            messages.error(
                request, "Give the date, the instructions and the reason; nothing was changed."
            )
        return redirect("aftercare:plan", episode_pk=episode.pk)
    changes = list(PLAN_CHANGES.queryset(actor).filter(plan=plan)) if plan else []
    return render(
        request,
        "aftercare/plan.html",
        {
            "episode": episode,
            "patient": episode.patient,
            "plan": plan,
            "items": plans.as_core(plan).items if plan else (),
            "latest_item_date": (
                pathway.shifted(plan.operated_on, pathway.LONGEST_PLAN_DAYS) if plan else None
            ),
            "issue_form": issue_form,
            "editable": editable,
            "changes": [_change_row(c) for c in changes],
            "history": trend.history(CHECK_INS.queryset(actor).filter(episode=episode)),
        },
    )


@dataclasses.dataclass(frozen=True)
class _ChangeRow:
    changed_at: dt.datetime
    changed_by: str
    title: str
    reason: str
    before: dt.date | None
    after: dt.date | None


def _iso_day(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _change_row(change: PlanChange) -> _ChangeRow:
    before, after = change.item_before, change.item_after
    return _ChangeRow(
        change.changed_at,
        change.changed_by.get_full_name() or change.changed_by.username,
        str(before.get("title") or change.item_key),
        change.reason,
        _iso_day(before.get("starts_on")),
        _iso_day(after.get("starts_on")),
    )


def _own_plan_viewed(request: HttpRequest) -> AftercarePlan | None:
    """The patient's newest plan, its viewing recorded."""
    plan = _own_plan(request)
    if plan is not None:
        AFTERCARE_PLANS.shown(Actor.from_request(request), plan)
    return plan


@patient_required
def today(request: HttpRequest) -> HttpResponse:
    """The patient's instructions for today, tasks due, visits and what comes next."""
    user = signed_in_user(request)
    plan = _own_plan_viewed(request)
    overview = plans.portal_day(plan, timezone.localdate()) if plan else None
    patient = visible_patients(user).first()
    history = (
        trend.history(CHECK_INS.queryset(Actor.from_request(request)).filter(episode=plan.episode))
        if plan
        else None
    )
    return render(
        request,
        "aftercare/today.html",
        {
            "plan": plan,
            "overview": overview,
            "patient": patient,
            "reminder_choices": Reminders.choices,
            "contact": contact_for(patient.site if patient else user.site),
            "history": history,
        },
    )


@patient_required
@require_POST
def reminder_choice(request: HttpRequest) -> HttpResponse:
    """The patient chooses how they are reminded (or not at all)."""
    try:
        set_own_reminders(Actor.from_request(request), request.POST.get("reminders", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Your choice of reminders is saved.")
    return redirect("aftercare:today")


@patient_required
def timeline(request: HttpRequest) -> HttpResponse:
    """The whole plan, day by day, with what is past, current and to come."""
    plan = _own_plan_viewed(request)
    if plan is None:
        return redirect("aftercare:today")
    today = timezone.localdate()
    items = plans.as_core(plan).items
    days: dict[dt.date, list[PlanItem]] = {}
    if plan.operated_on <= today <= items[-1].starts_on:
        days[today] = []  # "you are here", even when nothing new starts today
    for item in items:
        days.setdefault(item.starts_on, []).append(item)
    return render(
        request,
        "aftercare/timeline.html",
        {
            "plan": plan,
            "today": today,
            "days": [
                (day, (day - plan.operated_on).days, entries)
                for day, entries in sorted(days.items())
            ],
        },
    )


@staff_required
@require_POST
def invite_patient(request: HttpRequest, patient_pk: int) -> HttpResponse:
    actor = Actor.from_request(request)
    try:
        token = actions.invite(actor, patient_pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("patients:detail", pk=patient_pk)
    return _invitation_page(request, patient_pk, token)


def _invitation_page(
    request: HttpRequest, patient_pk: int, token: str, *, status: int = 200
) -> HttpResponse:
    patient = patient_for(Actor.from_request(request), patient_pk)
    link = patient.site.url(reverse("aftercare:accept_invitation", args=[token]))
    return render(
        request,
        "aftercare/invitation_link.html",
        {
            "link": link,
            "token": token,
            "patient": patient,
            "patient_pk": patient_pk,
            "days": invitations.VALID_FOR.days,
        },
        status=status,
    )


@staff_required
@require_POST
def send_invitation(request: HttpRequest, patient_pk: int) -> HttpResponse:
    """Queue the link shown on the invitation page for the patient, by e-mail or text."""
    token = request.POST.get("token", "")[:200]
    try:
        data = InvitationSending(token=token, channel=request.POST.get("channel", ""))  # type: ignore[arg-type]
    except PydanticError:
        messages.error(request, "Choose e-mail or text message.")
        return _invitation_page(request, patient_pk, token, status=422)
    try:
        message = actions.send_invitation(Actor.from_request(request), patient_pk, data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _invitation_page(request, patient_pk, token, status=422)
    messages.success(
        request,
        f"The invitation goes to {message.recipient} by {message.get_channel_display().lower()} "
        "within a minute; the Reminders page shows when it has gone.",
    )
    return _invitation_page(request, patient_pk, token)


def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    """Open to anyone holding a valid link; refuses used or expired links clearly."""
    try:
        invitation = invitations.usable(token)
    except ValidationError as error:
        return render(
            request,
            "aftercare/invitation_refused.html",
            {"message": " ".join(error.messages)},
            status=410,
        )
    form = AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = actions.accept_invitation(
                InvitationAcceptance(
                    token=token,
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password"],
                ),
                Actor.from_request(request).client_address,
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Your account is ready.")
            return redirect("aftercare:today")
    return render(
        request,
        "aftercare/accept_invitation.html",
        {"form": form, "given_name": invitation.patient.given_name},
    )


def _own_plan(request: HttpRequest) -> AftercarePlan | None:
    return AFTERCARE_PLANS.queryset(Actor.from_request(request)).order_by("-operated_on").first()


@patient_required
def calendar_file(request: HttpRequest) -> HttpResponse:
    plan = _own_plan(request)
    if plan is None:
        raise Http404("No aftercare plan yet.")
    response = HttpResponse(ical.ics(plan), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="foot-clinic-visits.ics"'
    return response


@patient_required
@require_POST
def calendar_feed(request: HttpRequest) -> HttpResponse:
    """Make a new private feed address (revoking the old) or just revoke."""
    actor = Actor.from_request(request)
    patient = visible_patients(signed_in_user(request)).first()
    if patient is None:
        raise Http404("No record.")
    if request.POST.get("action") == "revoke":
        actions.stop_feeds(actor, patient.pk)
        messages.success(request, "Your calendar address no longer works.")
        return redirect("aftercare:today")
    token = actions.new_feed(actor, patient.pk)
    link = request.build_absolute_uri(reverse("aftercare:feed", args=[token]))
    return render(request, "aftercare/feed_link.html", {"link": link})


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """The private feed itself: no sign-in, the address is the secret."""
    plan = ical.feed_plan(token)
    if plan is None:
        return HttpResponse(
            "This calendar address does not work any more.",
            status=410,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(ical.ics(plan), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
