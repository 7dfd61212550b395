"""The administrators' pages for the people of their site: list, add, change, deactivate."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django_otp import user_has_device

from halluxpath.accounts.decorators import admin_required, signed_in_user
from halluxpath.accounts.models import Role
from halluxpath.audit.context import Actor
from halluxpath.forms import add_validation_errors, typed_input
from halluxpath.sites.access import USER_ACCOUNTS
from halluxpath.sites.actions import people, second_factor
from halluxpath.sites.forms import NewPersonForm, PersonForm
from halluxpath.sites.schemas import NewUser, UserChanges

PAGE_SIZE = 50
SHOW = {
    "staff": "Staff and researchers",
    "patients": "Patients' portal accounts",
    "deactivated": "Deactivated accounts",
}


@admin_required
def users(request: HttpRequest) -> HttpResponse:
    actor = Actor.from_request(request)
    shown = str(request.GET.get("show", "staff"))
    shown = shown if shown in SHOW else "staff"
    rows = USER_ACCOUNTS.queryset(actor).order_by("last_name", "first_name", "username")
    query = str(request.GET.get("q", ""))[:100].strip()
    if query:
        rows = rows.filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
        )
    if shown == "deactivated":
        rows = rows.filter(is_active=False)
    else:
        rows = rows.filter(is_active=True)
        rows = (
            rows.filter(role=Role.PATIENT)
            if shown == "patients"
            else rows.exclude(role=Role.PATIENT)
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "sites/users.html",
        {"page": page, "show": shown, "choices": SHOW, "q": query, "query": params},
    )


@admin_required
def user_create(request: HttpRequest) -> HttpResponse:
    admin = signed_in_user(request)
    form = NewPersonForm(request.POST or None, site=admin.site)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = people.create_user(
                Actor.from_request(request),
                NewUser(
                    username=data["username"],
                    role=Role(data["role"]),
                    site=admin.site,
                    password=data["password"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    email=data["email"],
                    teams=data["teams"],
                ),
            )
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(
                request, f"{person.get_full_name() or person.username} can now sign in."
            )
            return redirect("people:users")
    return render(request, "sites/user_form.html", {"form": form, "person": None})


@admin_required
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = Actor.from_request(request)
    person = USER_ACCOUNTS.get(actor, pk, purpose="edit")
    initial = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "role": person.role,
        "teams": list(person.care_teams.values_list("name", flat=True)),
    }
    form = PersonForm(
        request.POST or None,
        initial=initial,
        site=person.site,
        patient=person.role == Role.PATIENT,
    )
    if request.method == "POST" and form.is_valid():
        data = typed_input(form, UserChanges)
        if data is not None:
            try:
                people.update_user(actor, person.pk, data)
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, "The changes have been saved.")
                return redirect("people:users")
    return render(
        request,
        "sites/user_form.html",
        {
            "form": form,
            "person": person,
            "is_self": person.pk == actor.user.pk if actor.user else False,
            "has_device": user_has_device(person),
        },
    )


def _account_action(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    actor = Actor.from_request(request)
    person = USER_ACCOUNTS.get(actor, pk, purpose="edit")
    name = person.get_full_name() or person.username
    try:
        if verb == "deactivate":
            people.deactivate_user(actor, person.pk)
            messages.success(request, f"{name} can no longer sign in; their history is kept.")
        elif verb == "reactivate":
            people.reactivate_user(actor, person.pk)
            messages.success(request, f"{name} can sign in again.")
        else:
            second_factor.reset_second_factor(actor, person.pk)
            messages.success(request, f"{name} sets up their authenticator again at sign-in.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("people:user_edit", pk=person.pk)


@admin_required
@require_POST
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _account_action(request, pk, "deactivate")


@admin_required
@require_POST
def user_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    return _account_action(request, pk, "reactivate")


@admin_required
@require_POST
def user_reset_second_factor(request: HttpRequest, pk: int) -> HttpResponse:
    return _account_action(request, pk, "reset")
