from django.urls import path

from halluxpath.aftercare import document_views, pathway_views, views

app_name = "aftercare"

urlpatterns = [
    path("me/check-in/", views.check_in, name="check_in"),
    path("me/check-in/<int:pk>/", views.check_in_result, name="check_in_result"),
    path("check-ins/<int:pk>/photo.jpg", views.check_in_photo, name="check_in_photo"),
    path("me/today/", views.today, name="today"),
    path("me/plan/", views.timeline, name="timeline"),
    path("me/reminders/", views.reminder_choice, name="reminder_choice"),
    path("me/calendar.ics", views.calendar_file, name="calendar"),
    path("me/calendar-feed/", views.calendar_feed, name="calendar_feed"),
    path("calendar/<str:token>.ics", views.feed, name="feed"),
    path("episodes/<int:episode_pk>/aftercare/", views.plan_page, name="plan"),
    path("triage/", views.triage_list, name="triage"),
    path("patients/<int:patient_pk>/invite/", views.invite_patient, name="invite"),
    path("patients/<int:patient_pk>/invite/send/", views.send_invitation, name="send_invitation"),
    path("invite/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("triage/alerts/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("me/documents/", document_views.documents, name="documents"),
    path(
        "me/documents/plan-<int:episode_pk>.pdf",
        document_views.patient_plan_pdf,
        name="document_plan",
    ),
    path(
        "me/documents/consent-<int:pk>.pdf",
        document_views.patient_consent_pdf,
        name="document_consent",
    ),
    path(
        "episodes/<int:episode_pk>/aftercare/plan.pdf",
        document_views.staff_plan_pdf,
        name="plan_pdf",
    ),
    path("pathways/", pathway_views.pathway_list, name="pathways"),
    path("pathways/<int:pk>/", pathway_views.pathway_detail, name="pathway"),
    path("pathways/<int:pk>/steps/new/", pathway_views.pathway_step, name="pathway_add_step"),
    path("pathways/<int:pk>/steps/<slug:key>/", pathway_views.pathway_step, name="pathway_step"),
    path(
        "pathways/<int:pk>/steps/<slug:key>/remove/",
        pathway_views.pathway_remove_step,
        name="pathway_remove_step",
    ),
]
