from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "govmedia.org"
    verbose_name = "机构与人员"

    def ready(self) -> None:
        from . import signals  # noqa: F401
