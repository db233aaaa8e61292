from typing import Any

from govmedia.web.todo import Capped, Part, TodoItem, counter, links_to, provider

from .queries import (
    SUPERVISION_WINDOW,
    messages_of_steps,
    steps_waiting_for,
    supervision_notices,
    supervisions_for,
)


@provider
def inquiry_items(user: Any) -> list[TodoItem]:
    steps = (
        steps_waiting_for(user)
        .select_related(None)
        .select_related("deadline")
        .only("kind", "inquiry", "deadline__due_at", "deadline__provisional")
        .prefetch_related(messages_of_steps("content"))
    )
    detail = links_to("inquiries:detail")
    items = [
        TodoItem(
            f"{s.get_kind_display()}：{s.inquiry}",
            detail(s.inquiry_id),
            "留言处置",
            s.deadline.due_at if s.deadline else None,
            bool(s.deadline and s.deadline.provisional),
        )
        for s in steps[:50]
    ]
    items += [
        TodoItem(
            f"督办（第{n.sequence}次）：{n.unit}承办的{n.inquiry.number}已超期",
            detail(n.inquiry_id),
            "留言督办",
            n.due_at,
        )
        for n in supervisions_for(user)[:50]
    ]
    return items


@counter(inquiry_items)
def inquiry_count(user: Any) -> list[Part]:
    notices = supervision_notices(user).order_by("-on_date", "-id").values("inquiry_id", "unit_id")
    return [
        Capped(steps_waiting_for(user).order_by().values("pk"), 50),
        Capped(notices[:SUPERVISION_WINDOW], 50, distinct=True),
    ]
