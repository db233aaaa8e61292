from typing import Any

from django.db.models import QuerySet

from govmedia.web.todo import Capped, Part, TodoItem, counter, links_to, provider

from .models import Post
from .queries import posts_to_publish, steps_waiting_for
from .routes import STEP_LABELS, StepKind


def _rejected(user: Any) -> QuerySet[Post]:
    if not user.has_role("unit_admin", "center_staff"):
        return Post.objects.none()
    return Post.objects.filter(unit=user.unit_id, status=Post.Status.REJECTED)


@provider
def publishing_items(user: Any) -> list[TodoItem]:
    # Rows as values, not models: the home page builds up to 120 of these to show 50.
    detail = links_to("publishing:detail")
    steps = steps_waiting_for(user).values_list(
        "kind", "post_id", "post__title", "deadline__due_at", "deadline__provisional"
    )
    items = [
        TodoItem(f"{STEP_LABELS[StepKind(kind)]}：{title}", detail(post), "信息审核", due, bool(provisional))
        for kind, post, title, due, provisional in steps[:50]
    ]
    to_publish = posts_to_publish(user).values_list("pk", "title", "publish_deadline__due_at")
    items += [TodoItem(f"待发布：{title}", detail(pk), "信息发布", due) for pk, title, due in to_publish[:50]]
    rejected = _rejected(user).order_by("-updated_at").values_list("pk", "title")
    items += [TodoItem(f"已退回，请修改：{title}", detail(pk), "信息发布") for pk, title in rejected[:20]]
    return items


@counter(publishing_items)
def publishing_count(user: Any) -> list[Part]:
    return [
        Capped(steps_waiting_for(user).order_by().values("pk"), 50),
        Capped(posts_to_publish(user).order_by().values("pk"), 50),
        Capped(_rejected(user).order_by().values("pk"), 20),
    ]
