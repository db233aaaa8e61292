"""督办: an overdue transfer raises a notice to the unit's leader and the centre at once when it first
becomes overdue, then again on every working day it stays overdue. Idempotent: one notice per message, unit
and working day, however often `govmedia sweep` runs."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from govmedia.audit.services import record
from govmedia.calendar.services import day_info
from govmedia.web.sweep import sweeper

from .models import UNIT_STEPS, Step, StepState, SupervisionNotice


def _message(step: Step, sequence: int) -> str:
    due = timezone.localtime(step.deadline.due_at) if step.deadline else None
    when = f"{due.year}年{due.month}月{due.day}日{due:%H:%M}" if due else ""
    return (
        f"第{sequence}次督办：{step.assignee_unit}承办的{step.inquiry.number}应于{when}前"
        f"提出经部门领导签字的回复意见（规范第7章，5个工作日），现已超期，请立即办理。"
    )


def supervise(now: datetime | None = None) -> int:
    """Raise today's notices; returns how many were added."""
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    workday = day_info(today).workday
    # Left in the database: the transfers supervised today and, on a rest day, every one supervised before
    # (repeats wait for the next working day). The sweep runs every minute; a province may have tens of
    # thousands overdue.
    supervised = SupervisionNotice.objects.filter(inquiry=OuterRef("inquiry"), unit=OuterRef("assignee_unit"))
    if workday:
        supervised = supervised.filter(on_date=today)
    overdue = (
        Step.objects.filter(
            state=StepState.OPEN, kind__in=UNIT_STEPS, deadline__met_at__isnull=True, deadline__due_at__lt=now
        )
        .exclude(Exists(supervised))
        .select_related("deadline", "assignee_unit", "inquiry")
        .order_by("deadline__due_at", "id")
    )
    steps = list(overdue)
    if not steps:
        return 0
    notices = SupervisionNotice.objects.filter(inquiry__in=overdue.values("inquiry"))
    this_run: set[tuple[int, int | None]] = set()
    counts = {
        (r["inquiry_id"], r["unit_id"]): r["n"]
        for r in notices.values("inquiry_id", "unit_id").annotate(n=Count("id"))
    }
    added = 0
    for step in steps:
        key = (step.inquiry_id, step.assignee_unit_id)
        if key in this_run or step.assignee_unit is None or step.deadline is None:
            continue
        sequence = counts.get(key, 0) + 1
        try:
            with transaction.atomic():
                notice = SupervisionNotice.objects.create(
                    inquiry=step.inquiry,
                    step=step,
                    unit=step.assignee_unit,
                    on_date=today,
                    sequence=sequence,
                    due_at=step.deadline.due_at,
                    message=_message(step, sequence),
                )
                record(
                    "inquiries.supervised",
                    actor=None,
                    obj=step.inquiry,
                    after={
                        "unit": step.assignee_unit_id,
                        "on_date": today,
                        "sequence": sequence,
                        "notice": notice.pk,
                    },
                )
        except IntegrityError:  # another sweep got there first
            continue
        this_run.add(key)
        added += 1
    return added


@sweeper("inquiries.supervision")
def _sweep() -> int:
    return supervise()
