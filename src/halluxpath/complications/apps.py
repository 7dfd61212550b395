from django.apps import AppConfig


class ComplicationsConfig(AppConfig):
    name = "halluxpath.complications"
    label = "complications"
    verbose_name = "Complications"
