"""The research exports page: ask for an export, watch it being made, download it.

Thin: the list and each export are read through ``research.access.EXPORTS``
(researchers and administrators of the export's site only); the request is
``actions.request_export``. The page polls the export's status with htmx
while it is being made.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django_htmx.middleware import HtmxDetails

from halluxpath.accounts import permissions
from halluxpath.accounts.decorators import allowed_if
from halluxpath.audit import record
from halluxpath.audit.context import Actor
from halluxpath.forms import add_validation_errors, typed_input
from halluxpath.imaging.storage import open_for_download
from halluxpath.research import actions
from halluxpath.research.access import EXPORTS
from halluxpath.research.forms import ExportRequestForm
from halluxpath.research.models import ResearchExport
from halluxpath.research.schemas import ExportRequestInput

exporter_required = allowed_if(permissions.may_use_research_exports)
LISTED = 50


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@exporter_required
def exports(request: HttpRequest) -> HttpResponse:
    actor = Actor.from_request(request)
    form = ExportRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = typed_input(form, ExportRequestInput)
        if data is not None:
            try:
                export = actions.request_export(actor, data)
            except ValidationError as error:
                add_validation_errors(form, error)
            else:
                messages.success(request, "Your export has been asked for: it is being made now.")
                return redirect("research:export", pk=export.pk)
    listed = list(EXPORTS.queryset(actor).select_related("requested_by")[:LISTED])
    record(actor, "view", object_type="research_export_list")
    return render(
        request,
        "research/exports.html",
        {"form": form, "exports": listed, "keep_hours": actions.keep_for().total_seconds() // 3600},
    )


def _downloadable(export: ResearchExport) -> bool:
    return export.is_downloadable and (
        export.expires_at is None or export.expires_at > timezone.now()
    )


@exporter_required
def export_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    actor = Actor.from_request(request)
    if request.htmx:
        # The page polling its own status every few seconds: the same access rule, but
        # not one audit event per poll (the page itself was audited when it was opened).
        polled = EXPORTS.queryset(actor).filter(pk=pk).first()
        if polled is None:
            raise Http404("No such record.")
        context = {"export": polled, "downloadable": _downloadable(polled)}
        return render(request, "research/_status.html", context)
    export = EXPORTS.get(actor, pk)
    context = {"export": export, "downloadable": _downloadable(export)}
    return render(request, "research/export.html", context)


@exporter_required
def download(request: HttpRequest, pk: int) -> FileResponse:
    actor = Actor.from_request(request)
    export = EXPORTS.get(actor, pk)
    if not _downloadable(export):
        raise Http404("This export is not ready, or its file has been removed.")
    record(
        actor,
        "download",
        object_type="research_export",
        object_id=export.pk,
        detail={"sha256": export.sha256},
    )
    return FileResponse(
        open_for_download(export.file),
        as_attachment=True,
        filename=export.download_name,
        content_type="application/zip",
    )
