from django.apps import AppConfig


class PlatformsConfig(AppConfig):
    name = "govmedia.platforms"
    label = "platforms"
    verbose_name = "平台对接"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import rules  # noqa: F401 (registers the permission rules)
