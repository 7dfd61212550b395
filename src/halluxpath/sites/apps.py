from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SitesConfig(AppConfig):
    name = "halluxpath.sites"
    label = "sites"
    verbose_name = "Sites (clinics and hospitals)"

    def ready(self) -> None:
        from halluxpath.sites.actions import ensure_first_site

        post_migrate.connect(ensure_first_site, sender=self)
