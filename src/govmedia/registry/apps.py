from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "govmedia.registry"
    verbose_name = "账号台账"

    def ready(self) -> None:
        from . import services, todo  # noqa: F401  (registers permission rules and 我的待办 providers)
