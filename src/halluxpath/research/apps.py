from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "halluxpath.research"
    label = "research"
    verbose_name = "Research exports"
