from django.urls import path

from halluxpath.imaging import views

app_name = "imaging"

urlpatterns = [
    path("episodes/<int:episode_pk>/radiographs/new/", views.upload, name="upload"),
    path("episodes/<int:episode_pk>/radiographs/compare/", views.compare, name="compare"),
    path("radiographs/agreement/", views.agreement_report, name="agreement"),
    path("radiographs/<int:pk>/", views.radiograph_page, name="radiograph"),
    path("radiographs/<int:pk>/image.png", views.image, name="image"),
    path("radiographs/<int:pk>/file", views.download_stored, name="download"),
    path(
        "radiographs/<int:pk>/measurements/<int:measurement_pk>/annotated.png",
        views.annotated,
        name="annotated",
    ),
    path("radiographs/<int:pk>/details/", views.film_details, name="details"),
    path("radiographs/<int:pk>/calibration/", views.calibrate, name="calibrate"),
    path("radiographs/<int:pk>/pixel-review/", views.confirm_review, name="confirm_review"),
]
