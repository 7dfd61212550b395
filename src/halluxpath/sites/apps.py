from django.apps import AppConfig


class SitesConfig(AppConfig):
    name = "halluxpath.sites"
    label = "sites"
    verbose_name = "Sites (clinics and hospitals)"
