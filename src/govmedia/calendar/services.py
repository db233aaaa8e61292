"""Working days bound to the database, deadlines, and entering a year's holiday schedule (R B-1).

Other apps call `open_deadline()` when a clock starts and `meet()` when the work is done; they compute
nothing themselves. `import_schedule()` is the one door for schedules (page and `govmedia calendar import`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from govmedia.audit.services import record
from govmedia.org.permissions import require, rule

from . import resolver as bound
from . import workdays
from .models import Deadline, HolidaySchedule
from .schedules import ScheduleError, validate
from .workdays import DayInfo, Resolver, Result


@rule("calendar.manage")
def _manage_calendar(user: Any, obj: Any) -> bool:
    return user.has_role("sysadmin")


def day_info(d: date) -> DayInfo:
    return bound.current().day_info(d)


def add_workdays(start: date, n: int) -> Result:
    return workdays.add_workdays(start, n, bound.current())


def workdays_before(d: date, n: int) -> Result:
    return workdays.workdays_before(d, n, bound.current())


def _local(moment: datetime) -> datetime:
    if timezone.is_naive(moment):
        raise ValueError("时间必须带时区。")
    return timezone.localtime(moment)


def compute(rule: str, anchor: date | datetime, n: int, resolver: Resolver) -> Result:
    """The due moment of a rule; `anchor` is the event (after_*) or the planned date (before_workdays)."""
    if rule == Deadline.Rule.AFTER_HOURS:
        if not isinstance(anchor, datetime):
            raise ValueError("按小时计算的时限须从具体时刻起算。")
        return workdays.add_hours(anchor, n)
    day = _local(anchor).date() if isinstance(anchor, datetime) else anchor
    if rule == Deadline.Rule.AFTER_WORKDAYS:
        return workdays.add_workdays(day, n, resolver)
    if rule == Deadline.Rule.BEFORE_WORKDAYS:
        return workdays.workdays_before(day, n, resolver)
    raise ValueError(f"未知的时限规则：{rule}")


def deadline_fields(
    rule: str,
    anchor: date | datetime,
    n: int,
    clause: str,
    started_at: datetime | None = None,
    resolver: Resolver | None = None,
) -> dict[str, Any]:
    """A deadline's columns but `met_at`: its due moment by the rule, `started_at` defaulting to `anchor`
    when that is a moment, else to now (`open_deadline`; the seed generator writes them in bulk)."""
    result = compute(rule, anchor, n, resolver or bound.current())
    if started_at is None:
        started_at = anchor if isinstance(anchor, datetime) else timezone.now()
    return {
        "started_at": started_at,
        "rule": rule,
        "n": n,
        "anchor": _local(anchor).date() if isinstance(anchor, datetime) else anchor,
        "clause": clause,
        "due_at": result.due,
        "due_date": result.date,
        "provisional": result.provisional,
    }


def open_deadline(
    rule: str, anchor: date | datetime, n: int, clause: str, started_at: datetime | None = None
) -> Deadline:
    """Start a clock and store its due moment (`deadline_fields`). Call it inside the caller's transaction;
    the caller's own audit entry covers it."""
    return Deadline.objects.create(**deadline_fields(rule, anchor, n, clause, started_at))


def meet(deadline: Deadline, at: datetime | None = None) -> Deadline:
    """Record when the work was done. Meeting it again keeps the first moment."""
    with transaction.atomic():
        locked = Deadline.objects.select_for_update().get(pk=deadline.pk)
        if locked.met_at is None:
            locked.met_at = at or timezone.now()
            locked.save(update_fields=["met_at"])
    deadline.met_at = locked.met_at
    return deadline


def recompute_provisional(resolver: Resolver) -> list[int]:
    """Recompute every open provisional deadline (any year); returns the ids whose due moment or
    provisional flag changed. Hour-based deadlines are never provisional."""
    changed: list[Deadline] = []
    rows = Deadline.objects.open().filter(provisional=True).exclude(rule=Deadline.Rule.AFTER_HOURS)
    for d in rows.select_for_update().order_by("pk"):
        result = compute(d.rule, d.anchor, d.n, resolver)
        if (d.due_at, d.due_date, d.provisional) != (result.due, result.date, result.provisional):
            d.due_at, d.due_date, d.provisional = result.due, result.date, result.provisional
            changed.append(d)
    Deadline.objects.bulk_update(changed, ["due_at", "due_date", "provisional"], batch_size=500)
    return [d.pk for d in changed]


def _snapshot(row: HolidaySchedule) -> dict[str, Any]:
    return {"year": row.year, "holidays": row.holidays, "workdays": row.workdays, "source": row.source_note}


def import_schedule(actor: Any, data: dict[str, Any], request: Any = None) -> tuple[HolidaySchedule, int]:
    """Store (or replace) a year's schedule and recompute open provisional deadlines.

    `actor` None is the server's command line (`govmedia calendar import`); a person needs calendar.manage.
    Raises ValidationError (Chinese messages, nothing written) for a bad schedule. Returns the schedule and
    the number of deadlines whose due moment moved or stopped being provisional."""
    if actor is not None:
        require(actor, "calendar.manage")
    try:
        parsed = validate(data)
    except ScheduleError as exc:
        raise ValidationError(exc.messages) from None
    stored = parsed.as_json()
    try:
        with transaction.atomic():
            row = HolidaySchedule.objects.select_for_update().filter(year=parsed.schedule.year).first()
            before = _snapshot(row) if row else None
            row = row or HolidaySchedule(year=parsed.schedule.year)
            row.holidays, row.workdays, row.source_note = (
                stored["holidays"],
                stored["workdays"],
                parsed.source,
            )
            row.entered_by, row.entered_at = actor, timezone.now()
            row.save()
            changed = recompute_provisional(bound.current())
            record(
                "calendar.schedule_imported",
                actor=actor,
                obj=row,
                before=before,
                after={**_snapshot(row), "recomputed": len(changed), "recomputed_ids": changed[:500]},
                request=request,
            )
    except IntegrityError:  # another import created the same year at the same moment
        raise ValidationError(f"{parsed.schedule.year}年的安排刚被他人录入，请刷新后重试。") from None
    finally:
        bound.invalidate()  # a rolled-back import must not stay in the cache
    return row, len(changed)
