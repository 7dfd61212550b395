from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "halluxpath.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from halluxpath.accounts import signals  # noqa: F401  (connects the login audit)
