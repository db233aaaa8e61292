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
    """Badges in the navigation, by link url: my todo items, my unread notices (a fixed number of queries)."""
    from django.urls import reverse

    from govmedia.notifications.services import unread_count

    from .todo import items_for_request

    return {
        reverse("home"): len(items_for_request(request)),
        reverse("notifications:inbox"): unread_count(request.user),
    }
