from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "govmedia.reports"
    verbose_name = "统计报表"

    def ready(self) -> None:
        from . import sweep  # noqa: F401  (inspection warnings in `govmedia sweep`)
