from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "govmedia.notifications"
    verbose_name = "通知"

    def ready(self) -> None:
        from . import rules, signals, sweep  # noqa: F401  (permission rules, urgent triggers, sweepers)
