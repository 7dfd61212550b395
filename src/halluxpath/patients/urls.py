from django.urls import path

from halluxpath.patients import views

app_name = "patients"

urlpatterns = [
    path("worklist/", views.worklist, name="worklist"),
    path("worklist/theatre/", views.theatre_list, name="theatre_list"),
    path("patients/new/", views.patient_create, name="create"),
    path("patients/<int:pk>/", views.patient_detail, name="detail"),
    path("patients/<int:pk>/edit/", views.patient_edit, name="edit"),
    path("patients/<int:pk>/episodes/new/", views.episode_create, name="episode_create"),
    path("episodes/<int:pk>/", views.episode_detail, name="episode"),
    path("episodes/<int:pk>/edit/", views.episode_edit, name="episode_edit"),
    path("episodes/<int:pk>/status/", views.episode_status, name="episode_status"),
    path("me/", views.me, name="me"),
    path("research/", views.research, name="research"),
]
