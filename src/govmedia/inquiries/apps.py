from django.apps import AppConfig


class InquiriesConfig(AppConfig):
    name = "govmedia.inquiries"
    verbose_name = "留言处置"

    def ready(self) -> None:
        from . import rules, supervision, todo  # noqa: F401  (permission rules, sweeper, 我的待办)
