from typing import Any

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Substr

from govmedia.web.todo import Capped, Part, TodoItem, counter, links_to, provider

from .models import OPENING, STEP_KIND_LABELS, Inquiry, message_label
from .queries import SUPERVISION_WINDOW, steps_waiting_for, supervision_notices, supervisions_for


@provider
def inquiry_items(user: Any) -> list[TodoItem]:
    messages = Inquiry.objects.filter(pk=OuterRef("inquiry_id"))
    steps = (
        steps_waiting_for(user)
        # The message's first words in the same query: PostgreSQL reads them for the rows kept after the
        # sort by deadline, not for every open step (a join would read them all).
        .annotate(opening=Substr(Subquery(messages.values("content")), 1, OPENING + 1))
        .values_list("kind", "inquiry_id", "opening", "deadline__due_at", "deadline__provisional")
    )
    detail = links_to("inquiries:detail")
    items = [
        TodoItem(
            f"{STEP_KIND_LABELS[kind]}：{message_label(inquiry, opening)}",
            detail(inquiry),
            "留言处置",
            due,
            bool(provisional),
        )
        for kind, inquiry, opening, due, provisional in steps[:50]
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
