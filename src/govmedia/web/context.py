from typing import Any

from django.http import HttpRequest

from .navigation import sections_for


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    sections = sections_for(user, request.path)
    counts = nav_counts(request)
    for section in sections:
        for link in section["links"]:
            link["count"] = counts.get(link["url"], 0)
    return {"nav_sections": sections, "nav_counts": counts}


def nav_counts(request: HttpRequest) -> dict[str, int]:
    """Badges in the navigation, by link url: my todo items, my unread notices.

    The home page has built the items already and its badge is their number; elsewhere they are counted
    without being built, every counted provider and the unread notices in one SQL statement."""
    from django.urls import reverse

    from govmedia.notifications.services import unread

    from .todo import Capped, count_all, count_parts

    user: Any = request.user
    notices = Capped(unread(user).values("pk"))
    items = getattr(request, "_todo_items", None)
    parts = [len(items)] if items is not None else count_parts(user)
    *todo, unread_count = count_all([*parts, notices])
    return {reverse("home"): sum(todo), reverse("notifications:inbox"): unread_count}
