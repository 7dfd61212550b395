from django.apps import AppConfig


class ImagingConfig(AppConfig):
    name = "halluxpath.imaging"
    label = "imaging"
    verbose_name = "Radiographs"
