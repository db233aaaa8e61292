from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "govmedia.reports"
    verbose_name = "统计报表"
