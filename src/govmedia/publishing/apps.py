from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "govmedia.publishing"
    verbose_name = "信息发布"

    def ready(self) -> None:
        from . import todo  # noqa: F401
