from django.apps import AppConfig


class CalendarConfig(AppConfig):
    name = "govmedia.calendar"
    label = "workcalendar"
    verbose_name = "工作日"

    def ready(self) -> None:
        from . import resolver, services, todo  # noqa: F401  (signal receivers, permission rule, 我的待办)
