from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "halluxpath.reminders"
    label = "reminders"
    verbose_name = "Reminders"
