from django.urls import path

from halluxpath.reminders import views

app_name = "reminders"

urlpatterns = [
    path("reminders/", views.outbox, name="outbox"),
    path("reminders/<int:pk>/change/", views.change, name="change"),
]
