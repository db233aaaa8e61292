"""我的待办: a registry of providers. Each app registers a function that returns the items waiting for a
person; the home page merges them, soonest due first. The navigation badge on every other page needs only
their number: a provider may register a counter that gives it without building the items (`counter`)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any


@dataclass(frozen=True)
class TodoItem:
    title: str
    url: str
    kind: str
    due_at: datetime | None = None
    provisional: bool = False

    def urgency(self, now: datetime) -> str:
        """ "overdue", "due_soon" (past the moment the due-soon reminder goes out) or "" at `now`."""
        if self.due_at is None:
            return ""
        if self.due_at < now:
            return "overdue"
        return "due_soon" if due_soon_from(self.due_at) <= now else ""

    @property
    def overdue(self) -> bool:
        from django.utils import timezone

        return self.urgency(timezone.now()) == "overdue"


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


def links_to(url_name: str, *rest: Any) -> Callable[[Any], str]:
    """`lambda pk: reverse(url_name, args=[pk, *rest])` for table rows and a provider's items, reversed once
    per process (and script prefix): reversing each of 200 items' links was a tenth of 我的待办's Python, and
    `{% url %}` cost ~50 µs a table row."""
    from django.urls import get_script_prefix

    return _pattern(url_name, rest, get_script_prefix())


@cache
def _pattern(url_name: str, rest: tuple[Any, ...], prefix: str) -> Callable[[Any], str]:
    from django.urls import reverse

    marker = "9876543210"
    head, _, tail = reverse(url_name, args=[int(marker), *rest]).partition(marker)
    return lambda pk: f"{head}{pk}{tail}"


Provider = Callable[[Any], list[TodoItem]]
_PROVIDERS: list[Provider] = []


@dataclass(frozen=True)
class Capped:
    """The number of rows a provider lists from `queryset`: all of them, at most `limit`, counted in SQL.

    `queryset` should select only the columns that make a row (`.values(...)`) and no ordering unless it is
    sliced; with `distinct` the rows are counted once each (after the queryset's own slice, before `limit`).
    """

    queryset: Any
    limit: int | None = None
    distinct: bool = False


Part = int | Capped
Counter = Callable[[Any], list[Part]]
_COUNTERS: dict[Provider, Counter] = {}


def provider(fn: Provider) -> Provider:
    _PROVIDERS.append(fn)
    return fn


def counter(of: Provider) -> Callable[[Counter], Counter]:
    """Register how to count a provider's items without building them: a list of `Capped` querysets (and
    plain numbers) whose sum is always `len(of(user))`. Providers without a counter are run and measured."""

    def register(fn: Counter) -> Counter:
        _COUNTERS[of] = fn
        return fn

    return register


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


def count_parts(user: Any) -> list[Part]:
    """What `len(items_for(user))` adds up from: counted querysets where a provider has a counter."""
    parts: list[Part] = []
    for fn in _PROVIDERS:
        count = _COUNTERS.get(fn)
        parts.extend(count(user) if count is not None else [len(fn(user))])
    return parts


def count_for(user: Any) -> int:
    """`len(items_for(user))` in one SQL statement for every counted provider (the navigation badge)."""
    return sum(count_all(count_parts(user)))


def count_all(parts: list[Part]) -> list[int]:
    """Each part's number; all the `Capped` ones in a single SELECT of scalar subqueries."""
    from django.core.exceptions import EmptyResultSet
    from django.db import connections

    selects: list[str] = []
    params: list[Any] = []
    slots: list[int] = []  # the index in `parts` of each subquery
    db = "default"
    out = [p if isinstance(p, int) else 0 for p in parts]
    for i, part in enumerate(parts):
        if isinstance(part, int):
            continue
        qs = part.queryset
        if qs.query.is_empty():
            continue
        try:
            sql, sql_params = qs.query.sql_with_params()
        except EmptyResultSet:
            continue
        rows = f"SELECT {'DISTINCT ' if part.distinct else ''}* FROM ({sql}) AS todo_rows_{i}"
        if part.limit is not None:
            rows += f" LIMIT {int(part.limit)}"
        selects.append(f"(SELECT COUNT(*) FROM ({rows}) AS todo_count_{i})")
        params.extend(sql_params)
        slots.append(i)
        db = qs.db
    if selects:
        with connections[db].cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(selects), params)
            row = cursor.fetchone()
        for i, n in zip(slots, row, strict=True):
            out[i] = int(n)
    return out
