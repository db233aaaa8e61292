from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "govmedia.audit"
    verbose_name = "责任日志"
