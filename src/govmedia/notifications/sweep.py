"""The notice sweep (`govmedia sweep`, and the worker's schedule): every person's 我的待办 items become
notices when they arrive, when they fall due soon and when they are overdue; then the outbox is worked off.

One notice per item and stage: the key is built from the item's kind, url and title (and its due moment
for the due-soon and overdue stages), so running the sweep every minute sends each notice once. An item
first seen already overdue gets only the overdue notice. Items of open incidents and of emergency posts are
urgent (R5.1-3, R6.3-1)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from govmedia.web.sweep import sweeper
from govmedia.web.todo import TodoItem, items_for, late_by

from .models import Notification
from .services import deliver_pending, notify

SUPERVISION_KINDS = {"留言督办"}


STAGES = {"overdue": Notification.Kind.OVERDUE, "due_soon": Notification.Kind.DUE_SOON}


def stage(item: TodoItem, now: datetime) -> str:
    return STAGES.get(item.urgency(now), Notification.Kind.NEW)


def _local(moment: datetime) -> str:
    t = timezone.localtime(moment)
    return f"{t.month}月{t.day}日{t:%H:%M}"


def notice_for(item: TodoItem, now: datetime) -> tuple[str, str, str]:
    """(kind, title, key) of the notice this item is due for now."""
    st = stage(item, now)
    base = f"{item.kind}|{item.url}|{item.title}"
    if st == Notification.Kind.NEW:
        title = f"新待办（{item.kind}）：{item.title}"
        if item.due_at:
            title += f"，请于{_local(item.due_at)}前办理"
        ident = base
    elif st == Notification.Kind.DUE_SOON:
        assert item.due_at is not None
        title = f"即将到期（{item.kind}）：{item.title}，时限{_local(item.due_at)}"
        ident = f"{base}|{item.due_at.isoformat()}"
    else:
        assert item.due_at is not None
        title = f"已超期{late_by(item.due_at, now)}（{item.kind}）：{item.title}"
        ident = f"{base}|{item.due_at.isoformat()}"
    if item.kind in SUPERVISION_KINDS:
        st = Notification.Kind.SUPERVISION
    digest = hashlib.sha256(ident.encode()).hexdigest()[:40]
    return st, title, f"todo:{st}:{digest}"


def urgent_urls() -> set[str]:
    """Detail pages of open incidents and of emergency posts still in review or waiting to go out."""
    from govmedia.publishing.models import Post
    from govmedia.security.models import Incident

    urls = {
        reverse("security:incident", args=[pk])
        for pk in Incident.objects.filter(status=Incident.Status.OPEN).values_list("pk", flat=True)
    }
    posts = Post.objects.filter(
        status__in=[Post.Status.IN_REVIEW, Post.Status.APPROVED], emergency__isnull=False
    ).values_list("pk", flat=True)
    urls |= {reverse("publishing:detail", args=[pk]) for pk in posts}
    return urls


# People whose items one run turns into notices. A county's few dozen are all visited every run; a province's
# thousands take turns (by id, one slice a minute), so a run stays short and each person is visited every
# ceil(people / PEOPLE_PER_RUN) minutes. Urgent work does not wait for its turn: it goes out on commit.
PEOPLE_PER_RUN = 500


def people(now: datetime) -> Any:
    """This minute's turn of the people with a role."""
    from govmedia.org.models import User

    everyone = User.objects.filter(is_active=True, roles__isnull=False).distinct()
    turns = max(1, -(-everyone.count() // PEOPLE_PER_RUN))
    turn = int(now.timestamp() // 60) % turns
    return everyone.alias(turn=F("pk") % turns).filter(turn=turn).select_related("unit")


def notify_todos(users: Iterable[Any] | None = None, now: datetime | None = None) -> int:
    """Turn the current 我的待办 items of these people (default: this minute's turn of those with a role)
    into notices."""
    now = now or timezone.now()
    urgent = urgent_urls()
    created = 0
    for user in users if users is not None else people(now):
        due: dict[str, tuple[TodoItem, str, str]] = {}
        for item in items_for(user):
            kind, title, key = notice_for(item, now)
            due[key] = (item, kind, title)
        # The notices a person already has, in one query: most items were noticed on an earlier run.
        have = set(Notification.objects.filter(user=user, key__in=list(due)).values_list("key", flat=True))
        for key, (item, kind, title) in due.items():
            if key in have:
                continue
            is_urgent = item.url in urgent
            created += len(
                notify([user], kind=kind, title=title, url=item.url, key=key, urgent=is_urgent, now=now)
            )
    return created


def push_now(user_ids: Iterable[int]) -> int:
    """Urgent work just arrived: notify these people at once and send their urgent notices."""
    from govmedia.org.models import User

    ids = list(set(user_ids))
    created = notify_todos(User.objects.filter(pk__in=ids, is_active=True).select_related("unit"))
    deliver_pending(Q(notification__user__in=ids, notification__urgent=True))
    return created


@sweeper("notifications", last=True)
def _sweep() -> int:
    """Runs after the other sweepers, so supervision notices and missed patrols of this run are included."""
    return notify_todos() + deliver_pending()
