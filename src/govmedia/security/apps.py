from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "govmedia.security"
    verbose_name = "安全管理"

    def ready(self) -> None:
        from . import rules, todo  # noqa: F401  (permission rules, 我的待办 providers and sweepers)
