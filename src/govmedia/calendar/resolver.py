"""The resolver bound to the database: entered schedules are loaded once and kept until one changes.

Each call of `current()` costs one small aggregate query (the schedules' fingerprint), so a schedule entered
in another process is seen at once; counting days then costs no query at all.
"""

from __future__ import annotations

import threading
from datetime import date
from typing import Any

from django.db.models import Count, Max
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import HolidaySchedule
from .workdays import CalendarResolver, Holiday, Schedule

_lock = threading.Lock()
_cached: tuple[tuple[Any, ...], CalendarResolver] | None = None


def to_schedule(row: HolidaySchedule) -> Schedule:
    return Schedule(
        year=row.year,
        holidays=tuple(
            Holiday(h["name"], date.fromisoformat(h["start"]), date.fromisoformat(h["end"]))
            for h in row.holidays
        ),
        workdays=frozenset(date.fromisoformat(d) for d in row.workdays),
    )


def _fingerprint() -> tuple[Any, ...]:
    agg = HolidaySchedule.objects.aggregate(n=Count("id"), last_id=Max("id"), last_at=Max("entered_at"))
    return (agg["n"], agg["last_id"], agg["last_at"])


def current() -> CalendarResolver:
    global _cached
    stamp = _fingerprint()
    cached = _cached
    if cached is not None and cached[0] == stamp:
        return cached[1]
    resolver = CalendarResolver(to_schedule(row) for row in HolidaySchedule.objects.all())
    with _lock:
        _cached = (stamp, resolver)
    return resolver


def invalidate() -> None:
    global _cached
    with _lock:
        _cached = None


@receiver(post_save, sender=HolidaySchedule)
@receiver(post_delete, sender=HolidaySchedule)
def _schedule_changed(**_: Any) -> None:
    invalidate()
