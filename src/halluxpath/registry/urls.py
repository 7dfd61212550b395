from django.urls import path

from halluxpath.registry import views

app_name = "registry"

urlpatterns = [
    path("<str:dashboard>/", views.dashboard, name="dashboard"),
    path("<str:dashboard>/<slug:slug>.svg", views.chart, name="chart"),
    path("<str:dashboard>/<slug:slug>.csv", views.table_csv, name="csv"),
]
