from django.apps import AppConfig


class OpsConfig(AppConfig):
    name = "govmedia.ops"
    verbose_name = "运维"
