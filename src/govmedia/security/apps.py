from django.apps import AppConfig


class SecurityConfig(AppConfig):
    name = "govmedia.security"
    verbose_name = "安全管理"
