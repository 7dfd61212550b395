from django.urls import path

from halluxpath.research import views

app_name = "research"

urlpatterns = [
    path("research/exports/", views.exports, name="exports"),
    path("research/exports/<int:pk>/", views.export_detail, name="export"),
    path("research/exports/<int:pk>/download", views.download, name="download"),
]
