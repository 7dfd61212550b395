from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "halluxpath.audit"
    label = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        # The sign-in audit lives here, not in accounts: the audit app depends
        # on accounts (users, roles), never the other way round.
        from halluxpath.audit import signals  # noqa: F401  (connects the sign-in audit)
