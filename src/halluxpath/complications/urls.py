from django.urls import path

from halluxpath.complications import views

app_name = "complications"

urlpatterns = [
    path("episodes/<int:episode_pk>/complications/", views.episode_complications, name="episode"),
    path("complications/<int:pk>/", views.complication_detail, name="detail"),
    path("complications/<int:pk>/amend/", views.amend, name="amend"),
    path("complications/<int:pk>/entered-in-error/", views.entered_in_error, name="error"),
    path("recurrence/<int:pk>/", views.proposal, name="proposal"),
    path("recurrence/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("recurrence/<int:pk>/reject/", views.reject, name="reject"),
]
