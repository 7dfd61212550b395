from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "halluxpath.api"
    label = "api"
    verbose_name = "JSON API"
