from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "govmedia.audit"
    verbose_name = "责任日志"

    def ready(self) -> None:
        from . import watch  # noqa: F401  (the scheduled chain check and its alarm)
