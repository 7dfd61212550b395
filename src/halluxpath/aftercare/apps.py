from django.apps import AppConfig


class AftercareConfig(AppConfig):
    name = "halluxpath.aftercare"
    label = "aftercare"
    verbose_name = "Aftercare"
