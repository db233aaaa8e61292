from django.apps import AppConfig


class CalendarConfig(AppConfig):
    name = "govmedia.calendar"
    label = "workcalendar"
    verbose_name = "工作日"
