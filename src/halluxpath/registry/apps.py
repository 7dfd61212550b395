from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "halluxpath.registry"
    label = "registry"
    verbose_name = "Outcomes registry dashboards"
