"""The site's URL map: one include per app."""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path, re_path

from halluxpath.accounts.views import home
from halluxpath.api.errors import not_found as api_not_found
from halluxpath.api.urls import api


def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and `make run` checks: the process answers."""
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("accounts/", include("halluxpath.accounts.urls")),
    path("", include("halluxpath.sites.urls")),
    path("audit/", include("halluxpath.audit.urls")),
    path("", include("halluxpath.patients.urls")),
    path("", include("halluxpath.imaging.urls")),
    path("", include("halluxpath.surgery.urls")),
    path("", include("halluxpath.aftercare.urls")),
    path("", include("halluxpath.complications.urls")),
    path("", include("halluxpath.reminders.urls")),
    path("dashboards/", include("halluxpath.registry.urls")),
    path("", include("halluxpath.research.urls")),
    path("", include("halluxpath.outcomes.urls")),
    path("", include("halluxpath.api.pages")),
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", api_not_found),  # a problem body, not the HTML 404 page
]
