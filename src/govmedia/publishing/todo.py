from typing import Any

from django.db.models import QuerySet

from govmedia.web.todo import Capped, Part, TodoItem, counter, links_to, provider

from .models import Post, ReviewStep
from .queries import posts_to_publish, steps_waiting_for


def _rejected(user: Any) -> QuerySet[Post]:
    if not user.has_role("unit_admin", "center_staff"):
        return Post.objects.none()
    return Post.objects.filter(unit=user.unit_id, status=Post.Status.REJECTED)


def _steps(user: Any) -> QuerySet[ReviewStep]:
    """`steps_waiting_for` with only the columns an item shows."""
    return (
        steps_waiting_for(user)
        .select_related(None)
        .select_related("post", "deadline")
        .only("kind", "post__title", "deadline__due_at", "deadline__provisional")
    )


@provider
def publishing_items(user: Any) -> list[TodoItem]:
    detail = links_to("publishing:detail")
    items = [
        TodoItem(
            f"{s.label}：{s.post.title}",
            detail(s.post_id),
            "信息审核",
            s.deadline.due_at if s.deadline else None,
            bool(s.deadline and s.deadline.provisional),
        )
        for s in _steps(user)[:50]
    ]
    to_publish = posts_to_publish(user).select_related(None).select_related("publish_deadline")
    items += [
        TodoItem(
            f"待发布：{p.title}",
            detail(p.pk),
            "信息发布",
            p.publish_deadline.due_at if p.publish_deadline else None,
        )
        for p in to_publish.only("title", "publish_deadline__due_at")[:50]
    ]
    items += [
        TodoItem(f"已退回，请修改：{p.title}", detail(p.pk), "信息发布")
        for p in _rejected(user).only("title").order_by("-updated_at")[:20]
    ]
    return items


@counter(publishing_items)
def publishing_count(user: Any) -> list[Part]:
    return [
        Capped(steps_waiting_for(user).order_by().values("pk"), 50),
        Capped(posts_to_publish(user).order_by().values("pk"), 50),
        Capped(_rejected(user).order_by().values("pk"), 20),
    ]
