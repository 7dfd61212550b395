from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "halluxpath.accounts"
    label = "accounts"
    verbose_name = "Accounts"
