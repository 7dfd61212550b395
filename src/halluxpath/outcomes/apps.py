from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "halluxpath.outcomes"
    label = "outcomes"
    verbose_name = "Outcomes"
