from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "halluxpath.audit"
    label = "audit"
    verbose_name = "Audit log"
