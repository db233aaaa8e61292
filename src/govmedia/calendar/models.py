"""Holiday schedules entered by an administrator, and the deadline record every app attaches to its work
items (spec/DEADLINES.md, R B-1). Due moments are computed by `services.open_deadline`, never by hand."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone


class HolidaySchedule(models.Model):
    """One year's State Council holiday notice as an administrator entered it (replaces the packaged data)."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    holidays = models.JSONField(
        "放假安排", default=list, help_text='[{"name": "元旦", "start": "…", "end": "…"}]'
    )
    workdays = models.JSONField("调休上班日", default=list, help_text='["2027-02-06", …]')
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True, on_delete=models.SET_NULL
    )
    entered_at = models.DateTimeField("录入时间", default=timezone.now)
    source_note = models.CharField("依据", max_length=300, blank=True, help_text="如：国办发明电〔2026〕7号")

    class Meta:
        ordering = ["year"]
        verbose_name = verbose_name_plural = "节假日安排"

    def __str__(self) -> str:
        return f"{self.year}年节假日安排"


class DeadlineQuerySet(models.QuerySet["Deadline"]):
    def open(self) -> DeadlineQuerySet:
        """Not met yet (overdue ones included)."""
        return self.filter(met_at__isnull=True)

    def overdue(self, now: datetime | None = None) -> DeadlineQuerySet:
        """Not met and past the due moment."""
        return self.open().filter(due_at__lt=now or timezone.now())


class Deadline(models.Model):
    """A clock the standard starts on a work item. Other apps hold it with a OneToOneField/ForeignKey."""

    class Rule(models.TextChoices):
        AFTER_WORKDAYS = "after_workdays", "事后N个工作日内"
        BEFORE_WORKDAYS = "before_workdays", "提前N个工作日"
        AFTER_HOURS = "after_hours", "N小时内"

    started_at = models.DateTimeField("计时开始", default=timezone.now)
    rule = models.CharField("规则", max_length=20, choices=Rule.choices)
    n = models.PositiveIntegerField("N")
    anchor = models.DateField("起算日期")
    clause = models.CharField("条款", max_length=20)
    due_at = models.DateTimeField("截止时间", db_index=True)
    due_date = models.DateField("截止日期")
    provisional = models.BooleanField("暂按周一至周五计算", default=False, db_index=True)
    met_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        ordering = ["due_at"]
        verbose_name = verbose_name_plural = "时限"
        indexes = [models.Index(fields=["met_at", "due_at"], name="deadline_open_due")]

    def __str__(self) -> str:
        due = timezone.localtime(self.due_at)
        return f"{self.clause} {self.describe()}，{due.year}年{due.month}月{due.day}日{due:%H:%M}前"

    def describe(self) -> str:
        """The rule in words, e.g. 「5个工作日内」."""
        if self.rule == self.Rule.AFTER_WORKDAYS:
            return f"{self.n}个工作日内"
        if self.rule == self.Rule.BEFORE_WORKDAYS:
            return f"提前{self.n}个工作日"
        return f"{self.n}小时内"

    def is_overdue(self, now: datetime | None = None) -> bool:
        """Open and past the due moment (the same test as `Deadline.objects.overdue()`)."""
        return self.met_at is None and (now or timezone.now()) > self.due_at

    @property
    def met_late(self) -> bool:
        return self.met_at is not None and self.met_at > self.due_at
