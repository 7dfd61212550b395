from django.urls import path

from halluxpath.outcomes import portal_views, staff_views

app_name = "outcomes"

Q = "<int:episode_pk>/<slug:time_point>/<slug:instrument>"

urlpatterns = [
    path("me/questionnaires/", portal_views.questionnaire_list, name="list"),
    path(f"me/questionnaires/{Q}/", portal_views.questionnaire_start, name="start"),
    path(f"me/questionnaires/{Q}/<int:number>/", portal_views.questionnaire_item, name="item"),
    path(f"me/questionnaires/{Q}/send/", portal_views.questionnaire_send, name="send"),
    path(f"me/questionnaires/{Q}/thanks/", portal_views.questionnaire_thanks, name="thanks"),
    path(
        "episodes/<int:episode_pk>/questionnaires/<slug:time_point>/<slug:instrument>/paper/",
        staff_views.paper_entry,
        name="paper",
    ),
    path("questionnaires/completion/", staff_views.completion, name="completion"),
    path("questionnaires/to-call/", staff_views.to_call, name="to_call"),
    path("questionnaires/to-call/note/", staff_views.note_call, name="note_call"),
    path("site/questionnaires/", staff_views.site_questionnaires, name="site_questionnaires"),
]
