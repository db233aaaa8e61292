from typing import Any

from django.urls import reverse

from govmedia.web.todo import TodoItem, provider

from .queries import steps_waiting_for, supervisions_for


@provider
def inquiry_items(user: Any) -> list[TodoItem]:
    items = [
        TodoItem(
            f"{s.get_kind_display()}：{s.inquiry}",
            reverse("inquiries:detail", args=[s.inquiry_id]),
            "留言处置",
            s.deadline.due_at if s.deadline else None,
            bool(s.deadline and s.deadline.provisional),
        )
        for s in steps_waiting_for(user)[:50]
    ]
    items += [
        TodoItem(
            f"督办（第{n.sequence}次）：{n.unit}承办的{n.inquiry.number}已超期",
            reverse("inquiries:detail", args=[n.inquiry_id]),
            "留言督办",
            n.due_at,
        )
        for n in supervisions_for(user)[:50]
    ]
    return items
