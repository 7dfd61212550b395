from django.urls import path

from halluxpath.registry import views
from halluxpath.registry.access import Dashboard

app_name = "registry"

urlpatterns = [
    *(
        path(f"{board.value}/", views.dashboard, {"dashboard": board.value}, name=board.value)
        for board in Dashboard
    ),
    path("<str:dashboard>/", views.dashboard, name="dashboard"),
    path("<str:dashboard>/<slug:slug>.svg", views.chart, name="chart"),
    path("<str:dashboard>/<slug:slug>.csv", views.table_csv, name="csv"),
]
