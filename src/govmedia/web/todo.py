"""我的待办: a registry of providers. Each app registers a function that returns the items waiting for a
person; the home page merges them, soonest due first."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
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


Provider = Callable[[Any], list[TodoItem]]
_PROVIDERS: list[Provider] = []


def provider(fn: Provider) -> Provider:
    _PROVIDERS.append(fn)
    return fn


def items_for(user: Any) -> list[TodoItem]:
    items = [item for fn in _PROVIDERS for item in fn(user)]
    return sorted(items, key=lambda i: (i.due_at is None, i.due_at.timestamp() if i.due_at else 0.0))
