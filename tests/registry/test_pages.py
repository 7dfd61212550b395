"""The dashboards as pages: who may open which, the audit trail, charts, CSVs and filters.

Access (docs/dashboards.md), stated here independently of registry.access:
surgeon dashboard, surgeons only; site dashboard, staff and researchers of the
site; registry dashboard, researchers and administrators; patients none.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.test import Client
from django.urls import reverse

from halluxpath.accounts.models import User
from halluxpath.audit.models import AuditEvent
from halluxpath.registry.access import pseudonym
from tests.boundaries import FormCase, sweep
from tests.registry.world import RegistryWorld

ROLES = ("alpha", "nurse", "physio", "admin", "researcher", "patient_user")
ALLOWED = {
    "surgeon": {"alpha"},
    "site": {"alpha", "nurse", "physio", "admin", "researcher"},
    "registry": {"admin", "researcher"},
}
SMALL_COUNT = re.compile(r"^[1-7]$")


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def csv_cells(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))


def section_slugs(html: str) -> list[str]:
    return re.findall(r'<section class="dashboard-section" id="([a-z0-9-]+)"', html)


def test_each_role_opens_only_its_dashboards(registry_world: RegistryWorld) -> None:
    wrong = []
    for role in ROLES:
        client = client_for(getattr(registry_world, role))
        for dashboard, allowed in ALLOWED.items():
            got = client.get(reverse("registry:dashboard", args=[dashboard])).status_code
            want = 200 if role in allowed else 403
            csv_got = client.get(reverse("registry:csv", args=[dashboard, "volume"])).status_code
            if (got, csv_got) != (want, want):
                wrong.append(f"{role} {dashboard}: page {got}, csv {csv_got}, rules say {want}")
    assert not wrong, "\n".join(wrong)


def test_nobody_signed_in_is_sent_to_sign_in(registry_world: RegistryWorld) -> None:
    response = Client().get(reverse("registry:site"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_an_unknown_dashboard_or_table_is_not_found(registry_world: RegistryWorld) -> None:
    admin = client_for(registry_world.admin)
    assert admin.get("/dashboards/nowhere/").status_code == 404
    assert admin.get("/dashboards/site/nowhere.csv").status_code == 404
    assert admin.get("/dashboards/site/learning.svg").status_code == 404  # a table without a chart


def test_a_page_view_and_a_download_are_audited(registry_world: RegistryWorld) -> None:
    admin = client_for(registry_world.admin)
    admin.get(reverse("registry:site"), {"fixation": "k_wire"})
    admin.get(reverse("registry:csv", args=["site", "volume"]))
    viewed = AuditEvent.objects.filter(object_type="registry_dashboard", action="view").last()
    assert viewed is not None
    assert viewed.object_id == "site"
    exported = AuditEvent.objects.filter(object_type="registry_table", action="export").last()
    assert exported is not None
    assert exported.object_id == "site/volume"


def test_every_chart_is_scalable_svg_with_text_and_its_table_on_the_page(
    registry_world: RegistryWorld,
) -> None:
    alpha = client_for(registry_world.alpha)
    page = alpha.get(reverse("registry:surgeon")).content.decode()
    slugs = section_slugs(page)
    assert {"volume", "correction", "learning", "time-cusum", "fluoro-cusum"} <= set(slugs)
    for slug in slugs:
        if f"/dashboards/surgeon/{slug}.svg" not in page:
            continue
        response = alpha.get(reverse("registry:chart", args=["surgeon", slug]))
        assert response["Content-Type"] == "image/svg+xml"
        svg = response.content.decode()
        assert "viewBox" in svg
        assert "<text" in svg
        assert not re.search(r"<svg[^>]* width=", svg)
        assert f"/dashboards/surgeon/{slug}.csv" in page  # no chart without its numbers


def test_the_pages_scale_to_a_phone(registry_world: RegistryWorld) -> None:
    page = client_for(registry_world.admin).get(reverse("registry:site")).content.decode()
    assert 'name="viewport"' in page
    assert page.count('class="table-wrap"') == len(section_slugs(page))  # every table scrolls


@pytest.mark.parametrize(
    ("role", "dashboard"),
    [("researcher", "site"), ("researcher", "registry"), ("admin", "registry")],
)
def test_no_de_identified_download_holds_a_count_of_one_to_seven(
    registry_world: RegistryWorld, role: str, dashboard: str
) -> None:
    client = client_for(getattr(registry_world, role))
    filterings = [
        {},
        {"fixation": "k_wire"},
        {"severity": "severe"},
        {"month_from": "2026-03", "month_to": "2026-04"},
    ]
    checked = 0
    for query in filterings:
        page = client.get(reverse("registry:dashboard", args=[dashboard]), query).content.decode()
        for slug in section_slugs(page):
            response = client.get(reverse("registry:csv", args=[dashboard, slug]), query)
            assert response.status_code == 200
            for row in csv_cells(response.content)[1:]:
                for cell in row:
                    assert not SMALL_COUNT.match(cell), f"{dashboard}/{slug} {query}: {row}"
                    assert not re.search(r"\bcase [1-7]\b", cell)
                checked += 1
            for name in (str(registry_world.alpha), str(registry_world.beta)):
                assert name not in response.content.decode()
    assert checked


def test_the_registry_names_no_site_or_surgeon(registry_world: RegistryWorld) -> None:
    page = client_for(registry_world.researcher).get(reverse("registry:registry")).content.decode()
    assert registry_world.site2.name not in page
    assert str(registry_world.gamma) not in page
    assert pseudonym("site", registry_world.site2.pk) in page


@pytest.mark.parametrize("dashboard", sorted(ALLOWED))
def test_the_filters_answer_any_input_with_a_page(
    registry_world: RegistryWorld, dashboard: str
) -> None:
    user = registry_world.alpha if dashboard == "surgeon" else registry_world.admin
    client = Client(raise_request_exception=False)
    client.force_login(user)
    url = reverse("registry:dashboard", args=[dashboard])
    downloads = [
        reverse("registry:csv", args=[dashboard, "volume"]),
        reverse("registry:chart", args=[dashboard, "correction"]),
    ]
    sweep(
        FormCase(f"{dashboard} filters", client, url, method="get", reload=lambda: downloads)
    ).check()


def test_a_bad_month_is_shown_and_the_other_filters_still_apply(
    registry_world: RegistryWorld,
) -> None:
    response = client_for(registry_world.admin).get(
        reverse("registry:site"), {"month_from": "March", "fixation": "k_wire"}
    )
    page = response.content.decode()
    assert "Give the first month as year-month" in page
    assert '<th scope="row">All</th><td class="num">3</td>' in page
