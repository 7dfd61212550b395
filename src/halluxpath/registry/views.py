"""The three dashboards (surgeon, site, registry), each section's SVG chart and CSV table.

Thin: the viewer's scope comes from registry.access, the figures from
registry.sections, the charts from registry.charts. Every page, chart and
download is audited: the page and its charts as ``view`` events of
``registry_dashboard``, each CSV as an ``export``.
"""

from __future__ import annotations

import csv
import io

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from halluxpath.accounts import permissions
from halluxpath.accounts.decorators import allowed_if, signed_in_user
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.registry import charts, dashboards
from halluxpath.registry.access import Dashboard, Scope, scope_for
from halluxpath.registry.forms import DashboardFilterForm
from halluxpath.registry.sections import Filters
from halluxpath.registry.tables import Section

signed_in_required = allowed_if(permissions.is_signed_in)


def _dashboard(name: str) -> Dashboard:
    try:
        return Dashboard(name)
    except ValueError:
        raise Http404("No such dashboard.") from None


def _scope_and_filters(
    request: HttpRequest, name: str
) -> tuple[Actor, Scope, DashboardFilterForm, Filters]:
    actor = Actor.from_request(request)
    scope = scope_for(actor, _dashboard(name))
    form = DashboardFilterForm(scope, request.GET or None)
    return actor, scope, form, form.filters()


def _described(filters: Filters) -> dict[str, str]:
    return {k: str(v) for k, v in vars(filters).items() if v is not None}


def _one(request: HttpRequest, name: str, slug: str) -> tuple[Actor, Scope, Filters, Section]:
    actor, scope, _form, filters = _scope_and_filters(request, name)
    found = dashboards.section(scope, filters, signed_in_user(request).pk, slug)
    if found is None:
        raise Http404("No such table on this dashboard.")
    return actor, scope, filters, found


@signed_in_required
def dashboard(request: HttpRequest, dashboard: str) -> HttpResponse:
    actor, scope, form, filters = _scope_and_filters(request, dashboard)
    found = dashboards.all_sections(scope, filters, signed_in_user(request).pk)
    record(
        actor,
        "view",
        object_type="registry_dashboard",
        object_id=scope.dashboard.value,
        detail={"filters": _described(filters)},
    )
    return render(
        request,
        "registry/dashboard.html",
        {
            "scope": scope,
            "form": form,
            "sections": found,
            "query": request.GET.urlencode(),
            "title": scope.dashboard.heading,
        },
    )


@signed_in_required
def chart(request: HttpRequest, dashboard: str, slug: str) -> HttpResponse:
    actor, scope, filters, section = _one(request, dashboard, slug)
    if not section.chart:
        raise Http404("This table has no chart.")
    record(
        actor,
        "view",
        object_type="registry_dashboard",
        object_id=scope.dashboard.value,
        detail={"chart": slug, "filters": _described(filters)},
    )
    return HttpResponse(charts.svg(section), content_type="image/svg+xml")


@signed_in_required
def table_csv(request: HttpRequest, dashboard: str, slug: str) -> HttpResponse:
    actor, scope, filters, section = _one(request, dashboard, slug)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(section.table.header)
    writer.writerows(section.table.rows)
    record(
        actor,
        "export",
        object_type="registry_table",
        object_id=f"{scope.dashboard.value}/{slug}",
        detail={"rows": len(section.table.rows), "filters": _described(filters)},
    )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{scope.dashboard.value}-{slug}.csv"'
    return response
