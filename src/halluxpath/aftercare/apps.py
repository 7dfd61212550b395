from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AftercareConfig(AppConfig):
    name = "halluxpath.aftercare"
    label = "aftercare"
    verbose_name = "Aftercare"

    def ready(self) -> None:
        from halluxpath.aftercare.actions.pathways import ensure_built_in

        post_migrate.connect(ensure_built_in, sender=self)
