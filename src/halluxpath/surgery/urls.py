from django.urls import path

from halluxpath.surgery import views

app_name = "surgery"

urlpatterns = [
    path("episodes/<int:episode_pk>/assessment/", views.assessment, name="assessment"),
    path("episodes/<int:episode_pk>/plan/", views.plan, name="plan"),
    path("episodes/<int:episode_pk>/plan/overlay.png", views.plan_overlay, name="plan_overlay"),
    path("episodes/<int:episode_pk>/consent/", views.consent_sheets, name="consent"),
    path("episodes/<int:episode_pk>/checklist/", views.safety_checklist, name="checklist"),
    path("episodes/<int:episode_pk>/operation/", views.operative_record, name="operation"),
    path(
        "episodes/<int:episode_pk>/operation/note.pdf",
        views.operative_note_pdf,
        name="operative_note",
    ),
    path(
        "episodes/<int:episode_pk>/consent/<int:number>.pdf",
        views.consent_pdf_download,
        name="consent_pdf",
    ),
    path(
        "episodes/<int:episode_pk>/consent/<int:number>/signed-copy",
        views.consent_signed_copy,
        name="consent_signed_copy",
    ),
]
