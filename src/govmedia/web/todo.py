"""我的待办: a registry of providers. Each app registers a function that returns the items waiting for a
person; the home page merges them, soonest due first."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any


@dataclass(frozen=True)
class TodoItem:
    title: str
    url: str
    kind: str
    due_at: datetime | None = None
    provisional: bool = False

    @property
    def overdue(self) -> bool:
        from django.utils import timezone

        return self.due_at is not None and self.due_at < timezone.now()

    @property
    def due_soon(self) -> bool:
        """Not overdue yet, but past the moment the due-soon reminder goes out (`due_soon_from`)."""
        from django.utils import timezone

        now = timezone.now()
        return self.due_at is not None and due_soon_from(self.due_at) <= now <= self.due_at

    @property
    def late_text(self) -> str:
        """「3天」「5小时」「20分钟」: how late an overdue item is; empty when it is not."""
        from django.utils import timezone

        return late_by(self.due_at, timezone.now()) if self.overdue and self.due_at else ""


def due_soon_from(due: datetime) -> datetime:
    """When an item counts as due soon (settings.NOTIFY_DUE_SOON: working_hours, hours, office_close).

    A working-day deadline ends at 23:59:59 of its day: it is due soon N working hours before that day's
    office close (default 2 hours before 17:30); an hour deadline N hours before (default 1)."""
    from django.conf import settings
    from django.utils import timezone

    conf: dict[str, Any] = getattr(settings, "NOTIFY_DUE_SOON", {})
    hh, mm = (int(x) for x in str(conf.get("office_close", "17:30")).split(":"))
    local = timezone.localtime(due)
    if (local.hour, local.minute, local.second) == (23, 59, 59):
        closing = local.replace(hour=hh, minute=mm, second=0, microsecond=0)
        return closing - timedelta(hours=float(conf.get("working_hours", 2)))
    return due - timedelta(hours=float(conf.get("hours", 1)))


def late_by(due: datetime, now: datetime) -> str:
    seconds = max(0, int((now - due).total_seconds()))
    if seconds >= 86400:
        return f"{seconds // 86400}天"
    if seconds >= 3600:
        return f"{seconds // 3600}小时"
    return f"{max(1, seconds // 60)}分钟"


Provider = Callable[[Any], list[TodoItem]]
_PROVIDERS: list[Provider] = []


def provider(fn: Provider) -> Provider:
    _PROVIDERS.append(fn)
    return fn


def items_for_request(request: Any) -> list[TodoItem]:
    """The signed-in person's items, computed once per request (the home page and the navigation count)."""
    cached: list[TodoItem] | None = getattr(request, "_todo_items", None)
    if cached is None:
        cached = items_for(request.user)
        request._todo_items = cached
    return cached


def items_for(user: Any) -> list[TodoItem]:
    items = [item for fn in _PROVIDERS for item in fn(user)]
    return sorted(items, key=lambda i: (i.due_at is None, i.due_at.timestamp() if i.due_at else 0.0))
