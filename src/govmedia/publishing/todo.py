from typing import Any

from django.urls import reverse

from govmedia.web.todo import TodoItem, provider

from .models import Post
from .queries import posts_to_publish, steps_waiting_for


@provider
def publishing_items(user: Any) -> list[TodoItem]:
    items = [
        TodoItem(
            f"{s.label}：{s.post.title}",
            reverse("publishing:detail", args=[s.post_id]),
            "信息审核",
            s.deadline.due_at if s.deadline else None,
            bool(s.deadline and s.deadline.provisional),
        )
        for s in steps_waiting_for(user)[:50]
    ]
    items += [
        TodoItem(
            f"待发布：{p.title}",
            reverse("publishing:detail", args=[p.pk]),
            "信息发布",
            p.publish_deadline.due_at if p.publish_deadline else None,
        )
        for p in posts_to_publish(user)[:50]
    ]
    if user.has_role("unit_admin", "center_staff"):
        rejected = Post.objects.filter(unit=user.unit_id, status=Post.Status.REJECTED).order_by(
            "-updated_at"
        )[:20]
        items += [
            TodoItem(f"已退回，请修改：{p.title}", reverse("publishing:detail", args=[p.pk]), "信息发布")
            for p in rejected
        ]
    return items
