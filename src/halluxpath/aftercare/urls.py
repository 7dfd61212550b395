from django.urls import path

from halluxpath.aftercare import views

app_name = "aftercare"

urlpatterns = [
    path("me/check-in/", views.check_in, name="check_in"),
    path("me/check-in/<int:pk>/", views.check_in_result, name="check_in_result"),
    path("me/today/", views.today, name="today"),
    path("me/calendar.ics", views.calendar_file, name="calendar"),
    path("me/calendar-feed/", views.calendar_feed, name="calendar_feed"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),
    path("episodes/<int:episode_pk>/aftercare/", views.plan_page, name="plan"),
    path("triage/", views.triage_list, name="triage"),
    path("patients/<int:patient_pk>/invite/", views.invite_patient, name="invite"),
    path("invite/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("triage/alerts/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
]
