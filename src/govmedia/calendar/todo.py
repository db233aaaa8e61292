"""我的待办 for the system administrator: enter next year's holiday schedule once the notice is due
(from November, DEADLINES.md) or as soon as open deadlines are counted Monday to Friday."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone

from govmedia.web.todo import TodoItem, provider

from . import resolver as bound
from .models import Deadline
from .workdays import end_of_day


@provider
def calendar_todos(user: Any) -> list[TodoItem]:
    if not user.has_role("sysadmin"):
        return []
    today = timezone.localdate()
    resolver = bound.current()
    provisional = Deadline.objects.open().filter(provisional=True)
    years = {d.year for field in ("anchor", "due_date") for d in provisional.dates(field, "year")}
    if today.month >= 11:
        years.add(today.year + 1)
    items = []
    for year in sorted(y for y in years if resolver.source(y) == "assumed"):
        url = reverse("calendar:schedules") + f"?year={year}#entry"
        due = end_of_day(today.replace(month=12, day=31)) if year == today.year + 1 else None
        items.append(TodoItem(f"录入{year}年节假日安排（国务院办公厅通知）", url, "工作日安排", due))
    return items
