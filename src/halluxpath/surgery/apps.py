from django.apps import AppConfig


class SurgeryConfig(AppConfig):
    name = "halluxpath.surgery"
    label = "surgery"
    verbose_name = "Surgery"
