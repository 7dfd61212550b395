"""Admins edit pathway templates as new versions; issued plans never change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from halluxpath.accounts.models import Role
from halluxpath.aftercare import actions, pathways
from halluxpath.aftercare.actions import issue_plan
from halluxpath.aftercare.models import AftercarePlan, PathwayTemplate
from halluxpath.aftercare.schemas import PathwayVersion, PlanIssue
from halluxpath.audit.context import Actor
from halluxpath.audit.models import AuditEvent
from halluxpath.core.pathway import MIS_SCREWS
from halluxpath.records import EditConflict
from tests.conftest import Clinic


def template() -> PathwayTemplate:
    return PathwayTemplate.objects.get(name=MIS_SCREWS.name)


def issue(clinic: Clinic, patient: str = "a") -> AftercarePlan:
    episode = getattr(clinic, f"patient_{patient}").episodes.get()
    user = clinic.user(Role.NURSE) if patient == "a" else clinic.surgeon_b
    return issue_plan(
        Actor(user),
        episode.pk,
        PlanIssue(operated_on=dt.date(2026, 11, 2)),
    )


def step_form(clinic: Clinic, **change: object) -> dict[str, object]:
    wound = next(s for s in MIS_SCREWS.steps if s.key == "visit-2w")
    return {
        "version": 1,
        "key": wound.key,
        "category": wound.category,
        "title": wound.title,
        "instructions": wound.instructions,
        "start_day": wound.start_day,
        "end_day": "",
        "source": wound.source,
        "only_if": "",
        "note": "Our wound clinic runs on day 12.",
        **change,
    }


def test_the_shipped_template_is_stored_as_version_one(db: None) -> None:
    stored = template()
    assert pathways.latest(stored).number == 1
    assert pathways.current(MIS_SCREWS.name) == MIS_SCREWS


def test_an_admin_changes_a_step_and_issued_plans_keep_theirs(
    clinic: Clinic, client: Client
) -> None:
    old_plan = issue(clinic)
    client.force_login(clinic.user(Role.ADMIN))
    url = reverse("aftercare:pathway_step", args=[template().pk, "visit-2w"])
    response = client.post(url, step_form(clinic, start_day=12), follow=True)
    assert "Saved as version 2" in response.content.decode()
    assert "visit-2w start_day: 14 → 12" in response.content.decode()  # the history
    old_plan.refresh_from_db()
    wound = next(i for i in old_plan.item_list if i["key"] == "visit-2w")
    assert (old_plan.template_version, wound["starts_on"]) == (1, "2026-11-16")
    new_plan = issue(clinic, "b")
    wound = next(i for i in new_plan.item_list if i["key"] == "visit-2w")
    assert (new_plan.template_version, wound["starts_on"]) == (2, "2026-11-14")
    event = AuditEvent.objects.filter(object_type="pathway_template", action="change").get()
    assert event.detail["version"] == 2


def test_adding_and_removing_steps(clinic: Clinic, client: Client) -> None:
    client.force_login(clinic.user(Role.ADMIN))
    pk = template().pk
    add = reverse("aftercare:pathway_add_step", args=[pk])
    client.post(add, step_form(clinic, key="phone-call", title="Phone call", start_day=3))
    assert any(s.key == "phone-call" for s in pathways.current(MIS_SCREWS.name).steps)
    remove = reverse("aftercare:pathway_remove_step", args=[pk, "ice"])
    client.post(remove, {"version": 2, "note": "Ice is on the leaflet instead."})
    current = pathways.current(MIS_SCREWS.name)
    assert current.version == 3
    assert not any(s.key == "ice" for s in current.steps)


def test_a_bad_step_is_shown_on_the_form_and_nothing_is_saved(
    clinic: Clinic, client: Client
) -> None:
    client.force_login(clinic.user(Role.ADMIN))
    url = reverse("aftercare:pathway_step", args=[template().pk, "visit-2w"])
    response = client.post(url, step_form(clinic, start_day=20, end_day=10))
    assert response.status_code == 200
    assert "cannot come before the first" in response.content.decode()
    response = client.post(url, step_form(clinic, note=""))
    assert "This field is required" in response.content.decode()
    assert pathways.latest(template()).number == 1


def test_a_stale_edit_is_a_conflict_not_an_overwrite(clinic: Clinic) -> None:
    admin = Actor(clinic.user(Role.ADMIN))
    data = tuple(pathways.current_steps(pathways.latest(template())))
    save = actions.save_pathway_version
    save(admin, template().pk, 1, PathwayVersion(steps=data[:-1], note="Drop the last step."))
    with pytest.raises(EditConflict):
        save(admin, template().pk, 1, PathwayVersion(steps=data, note="Started from version 1."))
    with pytest.raises(ValidationError, match="Nothing changed"):
        save(admin, template().pk, 2, PathwayVersion(steps=data[:-1], note="Again."))


def test_hostile_text_is_stored_as_text_and_escaped(clinic: Clinic, client: Client) -> None:
    client.force_login(clinic.user(Role.ADMIN))
    url = reverse("aftercare:pathway_step", args=[template().pk, "visit-2w"])
    client.post(url, step_form(clinic, instructions="<script>alert(1)</script> & rest"))
    page = client.get(reverse("aftercare:pathway", args=[template().pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; rest" in page


@pytest.mark.parametrize("role", [Role.SURGEON, Role.NURSE, Role.PATIENT, Role.RESEARCHER])
def test_only_admins_edit_templates(clinic: Clinic, client: Client, role: Role) -> None:
    client.force_login(clinic.user(role))
    pk = template().pk
    assert client.get(reverse("aftercare:pathways")).status_code == 403
    response = client.post(reverse("aftercare:pathway_step", args=[pk, "visit-2w"]), {})
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        actions.save_pathway_version(
            Actor(clinic.user(role)), pk, 1, PathwayVersion(steps=(), note="x")
        )
    assert pathways.latest(template()).number == 1
